/**
 * The times a stop shows, one rule for every page, the live ETAs and the delay alerts: a stop still to come is
 * expected to start its service on arrival, or when its window opens if the van gets there early; it is late only
 * while that expected start is past the end of its promised window; a served or failed stop shows when it was.
 */
import type { StopStatus } from './model/route';
import type { EpochWindow } from './model/time-window';

/**
 * When service at a stop reached at `arrivalEpoch` starts: on arrival inside a window, at the start of the next
 * window when early, on arrival when every window has closed (it is late then).
 */
export function expectedServiceStart(arrivalEpoch: number, windows: readonly EpochWindow[]): number {
  const open = [...windows].sort((a, b) => a.startEpochSeconds - b.startEpochSeconds).find((window) => arrivalEpoch <= window.endEpochSeconds);
  return open ? Math.max(arrivalEpoch, open.startEpochSeconds) : arrivalEpoch;
}

/** Seconds the service start `serviceStartEpoch` is past the end of the latest promised window; 0 when on time. */
export function secondsLate(serviceStartEpoch: number, windows: readonly EpochWindow[]): number {
  if (windows.length === 0) return 0;
  const latestEnd = Math.max(...windows.map((window) => window.endEpochSeconds));
  return Math.max(0, serviceStartEpoch - latestEnd);
}

/** Late by a few seconds is late by a minute: the flag never says "0 min". */
export function minutesLate(seconds: number): number {
  return Math.ceil(seconds / 60);
}

export interface StopTimeFacts {
  status: StopStatus;
  promisedWindows: readonly EpochWindow[];
  plannedArrivalEpoch: number;
  dispatchedEtaEpoch: number | null;
  liveEtaEpoch: number | null;
  actualArrivalEpoch: number | null;
  completedAtEpoch: number | null;
}

export interface StopTimes {
  /** `expected` while the stop is to come or under way, `actual` once served or failed. */
  basis: 'expected' | 'actual';
  /** Expected (live ETA, else the one given at dispatch, else planned), or the actual arrival once there. */
  arrivalEpoch: number | null;
  /** Expected service start; null once done. */
  serviceStartEpoch: number | null;
  /** When it was served or failed (the stop outcome's time); null before. */
  doneEpoch: number | null;
  /** Whole minutes the expected service start is past the window; null when it is not (and always once done). */
  delayMinutes: number | null;
  /** The promised window the stop is measured against: the one its service falls in, else the last one. */
  window: EpochWindow | null;
}

function windowAt(epoch: number | null, windows: readonly EpochWindow[]): EpochWindow | null {
  if (windows.length === 0) return null;
  const sorted = [...windows].sort((a, b) => a.startEpochSeconds - b.startEpochSeconds);
  return (epoch === null ? undefined : sorted.find((window) => epoch <= window.endEpochSeconds)) ?? sorted[sorted.length - 1]!;
}

export function stopTimes(stop: StopTimeFacts): StopTimes {
  if (stop.status === 'completed' || stop.status === 'failed') {
    const doneEpoch = stop.completedAtEpoch;
    return { basis: 'actual', arrivalEpoch: stop.actualArrivalEpoch, serviceStartEpoch: null, doneEpoch, delayMinutes: null, window: windowAt(stop.actualArrivalEpoch ?? doneEpoch, stop.promisedWindows) };
  }
  // Standing at the stop, the arrival is a fact; before, the freshest estimate.
  const arrivalEpoch = stop.status === 'arrived' && stop.actualArrivalEpoch !== null ? stop.actualArrivalEpoch : (stop.liveEtaEpoch ?? stop.dispatchedEtaEpoch ?? stop.plannedArrivalEpoch);
  const serviceStartEpoch = expectedServiceStart(arrivalEpoch, stop.promisedWindows);
  return { basis: 'expected', arrivalEpoch, serviceStartEpoch, doneEpoch: null, delayMinutes: delayMinutes(serviceStartEpoch, stop.promisedWindows), window: windowAt(serviceStartEpoch, stop.promisedWindows) };
}

/** The delay flag for a stop expected to start service at `serviceStartEpoch`: minutes late, or null when on time. */
export function delayMinutes(serviceStartEpoch: number, windows: readonly EpochWindow[]): number | null {
  const late = secondsLate(serviceStartEpoch, windows);
  return late > 0 ? minutesLate(late) : null;
}
