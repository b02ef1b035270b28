import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { createHaversineProvider } from '../../src/routing/haversine';
import { RoutingError, type RoutingProvider } from '../../src/routing/provider';
import { locateProblem } from '../../src/solving/vroom-locations';
import type { LonLat } from '../../src/domain/model/geometry';

const haversine = createHaversineProvider();
const depot: LonLat = [8.6724, 49.4093];
const problem = (jobLocations: LonLat[]) => ({
  vehicles: [{ id: 1, start: depot, end: depot }],
  jobs: jobLocations.map((location, k) => ({ id: k + 1, location })),
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('locating a VROOM problem given by coordinates', () => {
  it('numbers each distinct place once, depot first, and fills every vehicle profile from the road network', async () => {
    const input = { ...problem([[8.68, 49.41], depot, [8.68, 49.41]]), vehicles: [{ id: 1, start: depot, end: depot }, { id: 2, profile: 'bike', start: [8.7, 49.4] }] };
    const { problem: located, locations } = await locateProblem(input, haversine);
    expect(locations).toEqual([depot, [8.7, 49.4], [8.68, 49.41]]);
    expect(located.jobs!.map((job) => job.location_index)).toEqual([2, 0, 2]);
    expect(located.vehicles.map((v) => [v.start_index, v.end_index])).toEqual([[0, 0], [1, undefined]]);
    expect(Object.keys(located.matrices!).sort()).toEqual(['bike', 'car']);
    expect(located.matrices!.car!.durations![0]![2]).toBeGreaterThan(0);
    expect(input.jobs[0]).not.toHaveProperty('location_index'); // the caller's object is left alone
  });

  it('names the place a road network cannot reach by its path in the problem', async () => {
    const far: LonLat = [9.5, 50];
    const roadsAroundHeidelberg: RoutingProvider = {
      ...haversine,
      async table(request) {
        const index = request.coordinates.findIndex(([lon]) => lon > 9);
        if (index >= 0) throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate ${index}`, index);
        return haversine.table(request);
      },
    };
    const error = await rejection(locateProblem(problem([[8.68, 49.41], far, far]), roadsAroundHeidelberg));
    expect(error.status).toBe(400);
    expect(error.details).toEqual([expect.objectContaining({ path: 'jobs[1].location', routingCode: 'NoSegment' })]);
  });

  it('refuses more distinct places than it routes', async () => {
    const error = await rejection(locateProblem(problem([[8.6, 49.4], [8.61, 49.4], [8.62, 49.4]]), haversine, { maxLocations: 3 }));
    expect(error.status).toBe(400);
    expect(error.details[0]!.message).toMatch(/4 distinct locations; at most 3/);
  });

  it('asks for a location where a task has only a location_index and no matrices', async () => {
    const error = await rejection(locateProblem({ vehicles: [{ id: 1, start: depot }], jobs: [{ id: 1, location_index: 0 }, { id: 2 }] }, haversine));
    expect(error.details.map((detail) => detail.path)).toEqual(['jobs[0].location_index', 'jobs[1].location']);
  });
});
