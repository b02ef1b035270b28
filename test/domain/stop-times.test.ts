import { describe, expect, it } from 'vitest';
import { delayMinutes, expectedServiceStart, secondsLate, stopTimes, type StopTimeFacts } from '../../src/domain/stop-times';

const window = (startEpochSeconds: number, endEpochSeconds: number) => ({ startEpochSeconds, endEpochSeconds });
const pending = (facts: Partial<StopTimeFacts>): StopTimeFacts => ({
  status: 'pending',
  promisedWindows: [window(10_000, 20_000)],
  plannedArrivalEpoch: 5_000,
  dispatchedEtaEpoch: null,
  liveEtaEpoch: null,
  actualArrivalEpoch: null,
  completedAtEpoch: null,
  ...facts,
});

describe('stop times', () => {
  it('expects service at the window start when the van is early, on arrival otherwise', () => {
    expect(expectedServiceStart(5_000, [window(10_000, 20_000)])).toBe(10_000);
    expect(expectedServiceStart(12_000, [window(10_000, 20_000)])).toBe(12_000);
    expect(expectedServiceStart(25_000, [window(10_000, 20_000)])).toBe(25_000);
    expect(expectedServiceStart(7_000, [])).toBe(7_000);
    // Between two windows: it waits for the second.
    expect(expectedServiceStart(21_000, [window(30_000, 40_000), window(10_000, 20_000)])).toBe(30_000);
  });

  it('is late only past the end of the latest window, by whole minutes rounded up', () => {
    const windows = [window(0, 1000), window(2000, 3000)];
    expect(secondsLate(2999, windows)).toBe(0);
    expect(secondsLate(3125, windows)).toBe(125);
    expect(secondsLate(10, [])).toBe(0);
    expect(delayMinutes(3000, windows)).toBeNull();
    expect(delayMinutes(3001, windows)).toBe(1);
    expect(delayMinutes(3125, windows)).toBe(3);
  });

  it('takes the freshest estimate: live, else dispatched, else planned; the actual arrival once there', () => {
    expect(stopTimes(pending({})).arrivalEpoch).toBe(5_000);
    expect(stopTimes(pending({ dispatchedEtaEpoch: 11_000 })).serviceStartEpoch).toBe(11_000);
    expect(stopTimes(pending({ dispatchedEtaEpoch: 11_000, liveEtaEpoch: 21_000 }))).toMatchObject({ arrivalEpoch: 21_000, serviceStartEpoch: 21_000, delayMinutes: 17 });
    expect(stopTimes(pending({ status: 'arrived', liveEtaEpoch: 30_000, actualArrivalEpoch: 9_000 }))).toMatchObject({ basis: 'expected', arrivalEpoch: 9_000, serviceStartEpoch: 10_000, delayMinutes: null });
  });

  it('shows a done stop by its actual times, never an estimate or a delay flag', () => {
    const done = stopTimes(pending({ status: 'completed', liveEtaEpoch: 30_000, actualArrivalEpoch: 25_000, completedAtEpoch: 25_300 }));
    expect(done).toEqual({ basis: 'actual', arrivalEpoch: 25_000, serviceStartEpoch: null, doneEpoch: 25_300, delayMinutes: null, window: window(10_000, 20_000) });
    expect(stopTimes(pending({ status: 'failed', completedAtEpoch: 12_000 })).doneEpoch).toBe(12_000);
  });
});
