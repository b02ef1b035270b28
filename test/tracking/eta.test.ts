import { describe, expect, it } from 'vitest';
import { lateness, projectArrivals } from '../../src/tracking/eta';

describe('ETA maths', () => {
  it('adds each leg and service time, waiting for a window that has not opened yet', () => {
    const at: [number, number] = [8.69, 49.41];
    const stops = [
      { location: at, serviceSeconds: 300, earliestEpoch: 0 },
      { location: at, serviceSeconds: 120, earliestEpoch: 5_000 },
      { location: at, serviceSeconds: 60, earliestEpoch: 0 },
    ];
    // 1000 + 600 = 1600; leaves 1900; + 900 = 2800 but waits until 5000, leaves 5120; + 100.
    expect(projectArrivals(1000, [600, 900, 100], stops)).toEqual([1600, 2800, 5220]);
  });

  it('measures lateness against the end of the latest promised window', () => {
    const windows = [{ endEpochSeconds: 1000 }, { endEpochSeconds: 3000 }];
    expect(lateness(2999, windows)).toBe(0);
    expect(lateness(3125, windows)).toBe(125);
    expect(lateness(10, [])).toBe(0);
  });
});
