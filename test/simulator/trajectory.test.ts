import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/seed/random';
import { Trajectory, headingDegrees, metersBetween, withGpsNoise } from '../../src/simulator/trajectory';

describe('trajectory', () => {
  const corner: [number, number][] = [
    [8.67, 49.41],
    [8.68, 49.41],
    [8.68, 49.42],
  ];

  it('walks the line by distance, with the heading of the segment it is on', () => {
    const path = new Trajectory(corner);
    const east = metersBetween(corner[0]!, corner[1]!);
    const north = metersBetween(corner[1]!, corner[2]!);
    expect(path.lengthMeters).toBeCloseTo(east + north, 6);
    const halfwayEast = path.at(east / 2 / path.lengthMeters);
    expect(halfwayEast.location[0]).toBeCloseTo(8.675, 6);
    expect(halfwayEast.headingDegrees).toBeCloseTo(90, 0);
    const onNorthLeg = path.at((east + north / 4) / path.lengthMeters);
    expect(onNorthLeg.location).toEqual([expect.closeTo(8.68, 6), expect.closeTo(49.4125, 6)]);
    expect(onNorthLeg.headingDegrees).toBeCloseTo(0, 0);
    expect(path.at(2).location).toEqual(corner[2]);
  });

  it('scatters GPS fixes with the requested spread', () => {
    const random = seededRandom(7);
    const origin: [number, number] = [8.67, 49.41];
    const errors = Array.from({ length: 2000 }, () => metersBetween(origin, withGpsNoise(origin, 10, random)));
    const rms = Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / errors.length);
    // Two independent axes of σ = 10 m: root mean square distance 10·√2.
    expect(rms).toBeGreaterThan(13);
    expect(rms).toBeLessThan(15.5);
    expect(headingDegrees([0, 0], [0, -1])).toBeCloseTo(180, 6);
  });
});
