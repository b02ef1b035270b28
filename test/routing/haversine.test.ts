import { describe, expect, it } from 'vitest';
import { bearingDegrees, createHaversineProvider, haversineMeters } from '../../src/routing/haversine';
import { RoutingError } from '../../src/routing/provider';
import type { LonLat } from '../../src/domain/model/geometry';

const heidelbergBismarckplatz: LonLat = [8.6936, 49.4093];
const heidelbergHauptbahnhof: LonLat = [8.6757, 49.4037];

describe('haversineMeters', () => {
  it('measures one degree of latitude as about 111.2 km and is symmetric', () => {
    expect(haversineMeters([0, 0], [0, 1])).toBeCloseTo(111_195, -1);
    expect(haversineMeters(heidelbergBismarckplatz, heidelbergHauptbahnhof)).toBeCloseTo(
      haversineMeters(heidelbergHauptbahnhof, heidelbergBismarckplatz),
      9,
    );
  });

  it('gives compass bearings', () => {
    expect(bearingDegrees([0, 0], [0, 1])).toBe(0);
    expect(bearingDegrees([0, 0], [1, 0])).toBe(90);
    expect(bearingDegrees([0, 1], [0, 0])).toBe(180);
    expect(bearingDegrees([1, 0], [0, 0])).toBe(270);
  });
});

describe('haversine provider', () => {
  const provider = createHaversineProvider({ detourFactor: 1.5, speedKmh: 36 });
  const straightMeters = haversineMeters(heidelbergBismarckplatz, heidelbergHauptbahnhof);

  it('tables distance × detour factor at the configured speed, rounded to 0.1 like OSRM', async () => {
    const table = await provider.table({ coordinates: [heidelbergBismarckplatz, heidelbergHauptbahnhof, [8.7, 49.42]], sources: [0], destinations: [1, 0] });
    expect(table.distances).toEqual([[Math.round(straightMeters * 15) / 10, 0]]);
    expect(table.durations[0][0]).toBeCloseTo((straightMeters * 1.5) / 10, 1);
    expect(table.durations[0][1]).toBe(0);
    expect(table.sources).toEqual([{ location: heidelbergBismarckplatz, name: '', distance: 0 }]);
    expect(table.destinations.map((w) => w.location)).toEqual([heidelbergHauptbahnhof, heidelbergBismarckplatz]);
  });

  it('uses the defaults 1.3 and 30 km/h', async () => {
    const table = await createHaversineProvider().table({ coordinates: [[0, 0], [0, 1]] });
    expect(table.distances[0][1]).toBeCloseTo(111_195 * 1.3, -1);
    expect(table.durations[0][1]).toBeCloseTo((111_195 * 1.3) / (30 / 3.6), -1);
  });

  it('routes one straight leg per pair of waypoints with depart and arrive steps', async () => {
    const third: LonLat = [8.7, 49.42];
    const { route, waypoints } = await provider.route({ coordinates: [heidelbergBismarckplatz, heidelbergHauptbahnhof, third], steps: true, annotations: true });
    expect(route.legs).toHaveLength(2);
    expect(route.geometry?.coordinates).toEqual([heidelbergBismarckplatz, heidelbergHauptbahnhof, third]);
    expect(route.distance).toBeCloseTo(route.legs[0].distance + route.legs[1].distance, 6);
    expect(route.legs[0].distance).toBeCloseTo(straightMeters * 1.5, 6);
    expect(route.legs[0].duration).toBeCloseTo((straightMeters * 1.5) / 10, 6);
    const [depart, arrive] = route.legs[0].steps;
    expect(depart.maneuver.type).toBe('depart');
    expect(depart.maneuver.bearing_after).toBe(bearingDegrees(heidelbergBismarckplatz, heidelbergHauptbahnhof));
    expect(depart.geometry.coordinates).toEqual([heidelbergBismarckplatz, heidelbergHauptbahnhof]);
    expect(arrive.maneuver).toMatchObject({ type: 'arrive', location: heidelbergHauptbahnhof });
    expect(arrive.distance).toBe(0);
    expect(route.legs[1].annotation?.distance).toEqual([route.legs[1].distance]);
    expect(waypoints.map((w) => w.location)).toEqual([heidelbergBismarckplatz, heidelbergHauptbahnhof, third]);
  });

  it('leaves out steps, annotations and geometry when not asked for', async () => {
    const { route } = await provider.route({ coordinates: [heidelbergBismarckplatz, heidelbergHauptbahnhof], overview: 'false' });
    expect(route.geometry).toBeUndefined();
    expect(route.legs[0].steps).toEqual([]);
    expect(route.legs[0].annotation).toBeUndefined();
  });

  it('snaps a point to itself', async () => {
    expect(await provider.nearest(heidelbergHauptbahnhof)).toEqual({ location: heidelbergHauptbahnhof, name: '', distance: 0 });
  });

  it('names the offending coordinate and index', async () => {
    const error = await provider.route({ coordinates: [heidelbergBismarckplatz, [8.68866, 95.5]] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoutingError);
    expect(error).toMatchObject({ code: 'InvalidValue', coordinateIndex: 1 });
    expect((error as Error).message).toMatch(/coordinate 1 \(8.68866,95.5\)/);
    await expect(provider.table({ coordinates: [heidelbergBismarckplatz], sources: [3] })).rejects.toMatchObject({ code: 'InvalidQuery' });
    await expect(provider.route({ coordinates: [heidelbergBismarckplatz] })).rejects.toMatchObject({ code: 'InvalidQuery' });
  });

  it('refuses nonsense settings', () => {
    expect(() => createHaversineProvider({ speedKmh: 0 })).toThrow(/speedKmh/);
    expect(() => createHaversineProvider({ detourFactor: 0.5 })).toThrow(/detourFactor/);
  });
});
