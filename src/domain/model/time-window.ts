/** A time window as stored: epoch seconds UTC, start inclusive, end inclusive. */
export interface EpochWindow {
  startEpochSeconds: number;
  endEpochSeconds: number;
}
