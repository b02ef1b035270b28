import { describe, expect, it } from 'vitest';
import { projectArrivals } from '../../src/tracking/eta';

describe('ETA maths', () => {
  it('adds each leg and service time, waiting for a window that has not opened yet', () => {
    const at: [number, number] = [8.69, 49.41];
    const stops = [
      { location: at, serviceSeconds: 300, promisedWindows: [] },
      { location: at, serviceSeconds: 120, promisedWindows: [{ startEpochSeconds: 5_000, endEpochSeconds: 9_000 }] },
      { location: at, serviceSeconds: 60, promisedWindows: [] },
    ];
    // 1000 + 600 = 1600; leaves 1900; + 900 = 2800 but waits until 5000, leaves 5120; + 100.
    expect(projectArrivals(1000, [600, 900, 100], stops)).toEqual([1600, 2800, 5220]);
  });
});
