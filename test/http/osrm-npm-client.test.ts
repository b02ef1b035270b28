/**
 * An OSRM client from npm, unmodified (osrm-rest-client: it appends OSRM's optional `.json` to the coordinates
 * and percent-encodes the options), against the whole service over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OSRM, OsrmResultCode } from 'osrm-rest-client';
import { testDatabases } from '../helpers/database';
import { startFullService, type FullService } from '../helpers/service';
import { adminToken } from '../helpers/http';
import type { LonLat } from '../../src/domain/model/geometry';

const stops: LonLat[] = [
  [8.6821, 49.4077],
  [8.6934, 49.4094],
  [8.7051, 49.4123],
  [8.6724, 49.4011],
  [8.6603, 49.4172],
];

describe.each(testDatabases())('osrm-rest-client against the service ($name)', (backend) => {
  let service: FullService;
  let osrm: ReturnType<typeof OSRM>;
  beforeAll(async () => {
    service = await startFullService(backend);
    osrm = OSRM({ osrm: service.url, defaultProfile: 'driving' });
  });
  afterAll(() => service.close());

  it('routes with steps, GeoJSON and annotations', async () => {
    const result = await osrm.route({ coordinates: stops.slice(0, 3), steps: true, geometries: 'geojson', overview: 'full', annotations: true, alternatives: 2, continue_straight: false });
    expect(result.code).toBe(OsrmResultCode.Ok);
    expect(result.routes).toHaveLength(1);
    const [route] = result.routes;
    expect(route!.legs).toHaveLength(2);
    expect(route!.legs![0]!.steps![0]!.maneuver!.type).toBe('depart');
    expect((route!.geometry as unknown as { type: string }).type).toBe('LineString');
    expect(route!.distance).toBeGreaterThan(0);
    expect(result.waypoints!.map((waypoint) => waypoint.location)).toEqual(stops.slice(0, 3));
  });

  it('asks for a table of some sources to some destinations', async () => {
    const result = await osrm.table({ coordinates: stops, sources: [0, 1], destinations: [2, 3, 4], annotations: 'duration,distance' as never });
    expect(result.code).toBe(OsrmResultCode.Ok);
    expect(result.durations).toHaveLength(2);
    expect(result.durations![0]).toHaveLength(3);
    expect((result as unknown as { distances: number[][] }).distances[1]![2]).toBeGreaterThan(0);
    expect(result.sources!.map((source) => source.location)).toEqual(stops.slice(0, 2));
  });

  it('finds the nearest road point, and passes its hint back to a route', async () => {
    const nearest = await osrm.nearest({ coordinates: [stops[0]!], number: 1 });
    expect(nearest.code).toBe(OsrmResultCode.Ok);
    expect(nearest.waypoints).toHaveLength(1);
    const hint = nearest.waypoints![0]!.hint!;
    const route = await osrm.route({ coordinates: stops.slice(0, 2), hints: [hint, ''] });
    expect(route.code).toBe(OsrmResultCode.Ok);
    expect(route.waypoints![0]!.location).toEqual(nearest.waypoints![0]!.location);
  });

  it('orders a round trip and an open one from the first to the last stop', async () => {
    const round = await osrm.trip({ coordinates: stops, steps: false, geometries: 'polyline6', overview: 'simplified' });
    expect(round.code).toBe(OsrmResultCode.Ok);
    expect(round.trips).toHaveLength(1);
    expect(round.trips![0]!.legs).toHaveLength(stops.length);
    expect(round.waypoints!.map((waypoint) => waypoint.waypoint_index).sort()).toEqual([0, 1, 2, 3, 4]);
    const open = await osrm.trip({ coordinates: stops, roundtrip: false, source: 'first', destination: 'last' });
    expect(open.code).toBe(OsrmResultCode.Ok);
    expect(open.trips![0]!.legs).toHaveLength(stops.length - 1);
    expect(open.waypoints![0]!.waypoint_index).toBe(0);
    expect(open.waypoints![4]!.waypoint_index).toBe(4);
  });

  it('gets OSRM\'s error body for a service the server does not offer', async () => {
    const failure = await osrm.match({ coordinates: stops.slice(0, 2) }).catch((error: { status: number; response: { text: string } }) => error);
    expect((failure as { status: number }).status).toBe(400);
    expect(JSON.parse((failure as { response: { text: string } }).response.text)).toEqual({ code: 'InvalidService', message: 'Service match not found!' });
  });

  it('declares the four OSRM operations in the OpenAPI document, each with its options', async () => {
    const document = (await (await fetch(`${service.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, { get: { operationId: string; parameters: { name: string }[] } }> };
    for (const [name, operationId, option] of [['route', 'osrmRoute', 'continue_straight'], ['table', 'osrmTable', 'fallback_speed'], ['nearest', 'osrmNearest', 'number'], ['trip', 'osrmTrip', 'roundtrip']]) {
      const operation = document.paths[`/${name}/v1/{profile}/{coordinates}`]!.get;
      expect(operation.operationId).toBe(operationId);
      expect(operation.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['profile', 'coordinates', 'radiuses', option]));
    }
  });

  it('leaves the service\'s own API where it was', async () => {
    const response = await fetch(`${service.url}/api/v1/orders/${service.orderIds[0]}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: number }).id).toBe(service.orderIds[0]);
  });
});
