import { describe, expect, it } from 'vitest';
import { addMatrices, MatrixError, needsMatrices } from '../../src/cli/matrices';
import { createHaversineProvider, haversineMeters } from '../../src/routing/haversine';

const depot: [number, number] = [8.6724, 49.4093];
const coordinateProblem = () => ({
  vehicles: [{ id: 1, start: depot, end: depot }, { id: 2, profile: 'bike', start: [8.7, 49.42] }],
  jobs: [
    { id: 1, location: [8.6944, 49.4106] },
    { id: 2, location: [8.6944, 49.4106] },
  ],
  shipments: [{ pickup: { id: 5, location: depot }, delivery: { id: 5, location: [8.6512, 49.4216] } }],
});

describe('addMatrices', () => {
  it('numbers each distinct coordinate once and fills one table per profile', async () => {
    const problem: Record<string, unknown> = coordinateProblem();
    expect(needsMatrices(problem)).toBe(true);
    const locations = await addMatrices(problem, createHaversineProvider({ detourFactor: 1, speedKmh: 36 }));
    expect(locations).toBe(4);
    const { vehicles, jobs, shipments, matrices } = problem as ReturnType<typeof coordinateProblem> & { matrices: Record<string, { durations: number[][]; distances: number[][] }> };
    expect(vehicles[0]).toMatchObject({ start_index: 0, end_index: 0 });
    expect(vehicles[1]).toMatchObject({ start_index: 1 });
    expect(jobs.map((job) => (job as { location_index?: number }).location_index)).toEqual([2, 2]);
    expect(shipments[0]!.pickup).toMatchObject({ location_index: 0 });
    expect(shipments[0]!.delivery).toMatchObject({ location_index: 3 });
    expect(Object.keys(matrices).sort()).toEqual(['bike', 'car']);
    const meters = haversineMeters(depot, [8.6944, 49.4106]);
    // Whole metres and seconds, as VROOM rounds a routing engine's table; 36 km/h is 10 m/s.
    expect(matrices.car!.distances[0]![2]).toBe(Math.round(meters));
    expect(matrices.car!.durations[0]![2]).toBe(Math.round(meters / 10));
  });

  it('leaves problems with matrices, or without coordinates, to validation', () => {
    expect(needsMatrices({ ...coordinateProblem(), matrices: {} })).toBe(false);
    expect(needsMatrices({ ...coordinateProblem(), matrix: [[0]] })).toBe(false);
    expect(needsMatrices({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 1 }] })).toBe(false);
    expect(needsMatrices([coordinateProblem()])).toBe(false);
  });

  it('names the field of a coordinate it cannot use', async () => {
    const provider = createHaversineProvider();
    const bad = coordinateProblem() as Record<string, unknown>;
    (bad.jobs as Array<Record<string, unknown>>)[1]!.location = [8.7, 'north'];
    await expect(addMatrices(bad, provider)).rejects.toThrow(new MatrixError('jobs[1].location must be [longitude, latitude] in degrees'));

    const outOfRange = coordinateProblem() as Record<string, unknown>;
    (outOfRange.jobs as Array<Record<string, unknown>>)[0]!.location = [8.7, 95];
    await expect(addMatrices(outOfRange, provider)).rejects.toThrow(/^routing \(haversine\) failed \(jobs\[0\]\.location\): .*latitude/);

    const mixed = coordinateProblem() as Record<string, unknown>;
    (mixed.jobs as Array<Record<string, unknown>>)[0]!.location_index = 3;
    await expect(addMatrices(mixed, provider)).rejects.toThrow(/jobs\[0\]\.location_index refers to a matrix, but the problem has none/);

  });
});
