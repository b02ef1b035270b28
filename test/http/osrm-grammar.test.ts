import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { osrmRouter } from '../../src/http/routes/osrm.routes';
import { createHaversineProvider } from '../../src/routing/haversine';
import { loadEmbeddedRouting } from '../../src/routing/embedded';
import type { RouteRequest, RoutingProvider } from '../../src/routing/provider';
import { loadFixture } from '../routing/osrm-replay';
import type { LonLat } from '../../src/domain/model/geometry';

/** The parts of OSRM's bodies these tests read. */
interface Body {
  code: string;
  message: string;
  routes: { distance: number; duration: number; legs: { distance: number; duration: number; steps: { maneuver: { type: string } }[]; annotation: Record<string, unknown> }[] }[];
  trips: { distance: number; duration: number; legs: { duration: number }[] }[];
  waypoints: { location: LonLat; distance: number; hint?: string; name: string; waypoint_index: number; trips_index: number }[];
  durations: (number | null)[][];
  distances: (number | null)[][];
  sources: { location: LonLat }[];
  destinations: { location: LonLat }[];
  fallback_speed_cells?: [number, number][];
}

const haversine = createHaversineProvider();
/** The route requests the router made, to see which options reach the road network. */
const routeRequests: RouteRequest[] = [];
/** Straight lines, except that nothing west of lon 8.45 is connected to anything else. */
const islands: RoutingProvider = {
  ...haversine,
  async table(request) {
    const table = await haversine.table(request);
    const sources = request.sources ?? request.coordinates.map((_, i) => i);
    const destinations = request.destinations ?? request.coordinates.map((_, i) => i);
    const west = (index: number) => request.coordinates[index]![0] < 8.45;
    sources.forEach((s, i) =>
      destinations.forEach((d, j) => {
        if (s !== d && west(s) !== west(d)) [table.durations[i]![j], table.distances[i]![j]] = [null, null];
      }),
    );
    return table;
  },
  async route(request) {
    routeRequests.push(request);
    return haversine.route(request);
  },
};

async function serve(provider: RoutingProvider) {
  const app = express().use(osrmRouter(provider));
  // What the service mounts after the OSRM router must still be reached.
  app.get('/api/v1/orders/:id', (request, response) => {
    response.json({ order: request.params.id });
  });
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(baseUrl + path, init);
    return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
  };
  return { baseUrl, get, close: () => new Promise((resolve) => server.close(resolve)) };
}

const points = loadFixture('table-points').points!.map(({ lon, lat }): LonLat => [lon, lat]);
const path = (coordinates: LonLat[]) => coordinates.map(([lon, lat]) => `${lon},${lat}`).join(';');
const two = path(points.slice(0, 2));
const three = path(points.slice(0, 3));

let api: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  api = await serve(islands);
});
afterAll(() => api.close());

describe('OSRM URL grammar', () => {
  it('takes the optional .json format suffix on every service', async () => {
    for (const service of ['route', 'table', 'trip']) {
      const { status, body } = await api.get(`/${service}/v1/driving/${three}.json`);
      expect([service, status, body.code]).toEqual([service, 200, 'Ok']);
    }
    const nearest = await api.get(`/nearest/v1/driving/${path(points.slice(0, 1))}.json?number=1`);
    expect(nearest.body.waypoints[0]!.location).toEqual(points[0]);
    const other = await api.get(`/route/v1/driving/${two}.flatbuffers`);
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ code: 'InvalidOptions', message: expect.stringContaining('flatbuffers') });
  });

  it.each([
    ['/match/v1/driving/8.68,49.41;8.69,49.42', 'InvalidService', 'Service match not found!'],
    ['/tile/v1/car/tile(17059,11132,15).mvt', 'InvalidService', 'Service tile not found!'],
    ['/isochrone/v1/driving/8.68,49.41', 'InvalidService', 'Service isochrone not found!'],
    ['/route/v2/driving/8.68,49.41;8.69,49.42', 'InvalidVersion', 'Service route has no version v2'],
  ])('%s → 400 %s in OSRM\'s shape, to any origin', async (request, code, message) => {
    const { status, body, headers } = await api.get(request, { headers: { Origin: 'https://dispatch.example' } });
    expect(status).toBe(400);
    expect(body).toEqual({ code, message: expect.stringContaining(message) });
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends CORS * on answers and preflights, and leaves the service\'s own paths alone', async () => {
    const { headers } = await api.get(`/table/v1/driving/${two}`, { headers: { Origin: 'https://dispatch.example' } });
    expect(headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${api.baseUrl}/route/v1/driving/${two}`, { method: 'OPTIONS', headers: { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const own = await api.get('/api/v1/orders/ord_1');
    expect(own).toMatchObject({ status: 200, body: { order: 'ord_1' } });
  });

  it('refuses an option the service does not have with InvalidQuery naming it', async () => {
    const { status, body } = await api.get(`/route/v1/driving/${two}?colour=red`);
    expect(status).toBe(400);
    expect(body).toEqual({ code: 'InvalidQuery', message: expect.stringContaining('"colour"') });
    // number belongs to nearest, not to table.
    expect((await api.get(`/table/v1/driving/${two}?number=2`)).body.code).toBe('InvalidQuery');
  });

  it.each([
    ['bearings', `/route/v1/driving/${two}?bearings=10,20;`, 'InvalidOptions', /bearings are not supported/],
    ['malformed bearings', `/route/v1/driving/${two}?bearings=400,20;`, 'InvalidQuery', /bearings\[0\]/],
    ['bearings of the wrong count', `/route/v1/driving/${two}?bearings=;;`, 'InvalidOptions', /Number of bearings \(3\) does not match number of coordinates \(2\)/],
    ['curb approaches', `/table/v1/driving/${two}?approaches=curb;unrestricted`, 'InvalidOptions', /approaches\[0\] = curb is not supported/],
    ['unknown approaches', `/route/v1/driving/${two}?approaches=left;`, 'InvalidQuery', /approaches\[0\]/],
    ['exclude', `/route/v1/driving/${two}?exclude=motorway`, 'InvalidOptions', /exclude=motorway is not supported/],
    ['snapping=any', `/nearest/v1/driving/8.68,49.41?snapping=any`, 'InvalidOptions', /snapping=any/],
    ['a bad alternatives', `/route/v1/driving/${two}?alternatives=many`, 'InvalidQuery', /alternatives must be/],
    ['waypoints without the last coordinate', `/route/v1/driving/${three}?waypoints=0;1`, 'InvalidOptions', /First and last coordinates/],
    ['a hint this server did not give', `/route/v1/driving/${two}?hints=;notahint`, 'InvalidOptions', /hints\[1\]/],
    ['a zero fallback speed', `/table/v1/driving/${two}?fallback_speed=0`, 'InvalidQuery', /fallback_speed must be a number > 0/],
    ['a bad fallback coordinate', `/table/v1/driving/${two}?fallback_speed=10&fallback_coordinate=middle`, 'InvalidQuery', /fallback_coordinate/],
    ['a negative scale factor', `/table/v1/driving/${two}?scale_factor=-1`, 'InvalidQuery', /scale_factor/],
    ['an open trip with neither end fixed', `/trip/v1/driving/${three}?roundtrip=false`, 'NotImplemented', /not supported/],
    ['a one-point trip', `/trip/v1/driving/${path(points.slice(0, 1))}`, 'InvalidValue', /at least two/],
    ['a trip across unconnected roads', `/trip/v1/driving/${three};8.4,49.4`, 'NoTrips', /not connected/],
  ])('%s → 400 %s', async (_what, request, code, message) => {
    const { status, body } = await api.get(request);
    expect(status).toBe(400);
    expect(body.code).toBe(code);
    expect(body.message).toMatch(message);
  });

  it('accepts the options it cannot use when they ask for nothing: empty bearings, unrestricted approaches, empty exclude', async () => {
    const { status } = await api.get(`/route/v1/driving/${two}?bearings=;&approaches=unrestricted;&exclude=&snapping=default`);
    expect(status).toBe(200);
  });
});

describe('OSRM options, honoured', () => {
  it('skip_waypoints leaves out waypoints, sources and destinations', async () => {
    const route = await api.get(`/route/v1/driving/${two}?skip_waypoints=true`);
    expect(Object.keys(route.body).sort()).toEqual(['code', 'routes']);
    const table = await api.get(`/table/v1/driving/${two}?skip_waypoints=true`);
    expect(Object.keys(table.body).sort()).toEqual(['code', 'durations']);
  });

  it('alternatives: answers the one route it finds, as OSRM does when it finds no alternative', async () => {
    for (const value of ['true', '3', 'false']) expect((await api.get(`/route/v1/driving/${two}?alternatives=${value}`)).body.routes).toHaveLength(1);
  });

  it('continue_straight reaches the road network', async () => {
    routeRequests.length = 0;
    await api.get(`/route/v1/driving/${three}?continue_straight=false`);
    await api.get(`/route/v1/driving/${three}?continue_straight=true`);
    await api.get(`/route/v1/driving/${three}`);
    expect(routeRequests.map((request) => request.continueStraight)).toEqual([false, true, true]);
  });

  it('waypoints passes through the coordinates not listed: their legs join into one', async () => {
    const all = await api.get(`/route/v1/driving/${three}?steps=true&annotations=distance`);
    const through = await api.get(`/route/v1/driving/${three}?waypoints=0;2&steps=true&annotations=distance`);
    expect(through.status).toBe(200);
    const [leg] = through.body.routes[0]!.legs;
    expect(through.body.routes[0]!.legs).toHaveLength(1);
    expect(leg!.distance).toBeCloseTo(all.body.routes[0]!.legs[0]!.distance + all.body.routes[0]!.legs[1]!.distance, 1);
    expect(leg!.steps.map((step) => step.maneuver.type)).toEqual(['depart', 'arrive']);
    expect(leg!.annotation.distance).toHaveLength(2);
    expect(through.body.waypoints.map((waypoint) => waypoint.location)).toEqual([points[0], points[2]]);
  });

  it('annotations: speed, weight and datasources beside distance and duration', async () => {
    const { body } = await api.get(`/route/v1/driving/${two}?annotations=true`);
    const annotation = body.routes[0]!.legs[0]!.annotation as { distance: number[]; duration: number[]; speed: number[]; weight: number[]; datasources: number[]; metadata: object };
    expect(Object.keys(annotation).sort()).toEqual(['datasources', 'distance', 'duration', 'metadata', 'speed', 'weight']);
    expect(annotation.speed[0]).toBeCloseTo(annotation.distance[0]! / annotation.duration[0]!, 1);
    expect(annotation.datasources).toEqual([0]);
    const only = await api.get(`/route/v1/driving/${two}?annotations=speed`);
    expect(Object.keys(only.body.routes[0]!.legs[0]!.annotation)).toEqual(['speed']);
  });

  it('fallback_speed fills the pairs without a route with the straight line, and lists them', async () => {
    const coordinates: LonLat[] = [points[0]!, [8.4, 49.4], points[1]!];
    const plain = await api.get(`/table/v1/driving/${path(coordinates)}?annotations=duration,distance`);
    expect(plain.body.durations[0]![1]).toBeNull();
    expect(plain.body).not.toHaveProperty('fallback_speed_cells');
    const filled = await api.get(`/table/v1/driving/${path(coordinates)}?annotations=duration,distance&fallback_speed=10`);
    expect(filled.body.fallback_speed_cells).toEqual([[0, 1], [1, 0], [1, 2], [2, 1]]);
    const meters = filled.body.distances[0]![1]!;
    expect(meters).toBeGreaterThan(18_000);
    expect(filled.body.durations[0]![1]).toBeCloseTo(meters / 10, 0);
    expect(filled.body.durations[0]![2]).toBe(plain.body.durations[0]![2]);
  });

  it('scale_factor scales the durations', async () => {
    const plain = await api.get(`/table/v1/driving/${three}`);
    const scaled = await api.get(`/table/v1/driving/${three}?scale_factor=2.5`);
    scaled.body.durations.forEach((row, i) => row.forEach((seconds, j) => expect(seconds).toBeCloseTo(plain.body.durations[i]![j]! * 2.5, 0)));
  });

  it('hints: every waypoint carries one; given back, it is routed from without snapping again', async () => {
    const first = await api.get(`/route/v1/driving/${two}`);
    const hints = first.body.waypoints.map((waypoint) => waypoint.hint!);
    expect(hints.every((hint) => /^[\w-]+$/.test(hint))).toBe(true);
    // The hint wins over the coordinate sent with it, and the distance is still measured from that coordinate.
    const moved: LonLat[] = [[points[0]![0] + 0.001, points[0]![1]], points[1]!];
    const again = await api.get(`/route/v1/driving/${path(moved)}?hints=${hints[0]};`);
    expect(again.body.waypoints[0]!.location).toEqual(points[0]);
    expect(again.body.waypoints[0]!.distance).toBeGreaterThan(60);
    expect(again.body.routes[0]!.distance).toBeCloseTo(first.body.routes[0]!.distance, 1);
    const bare = await api.get(`/route/v1/driving/${two}?generate_hints=false`);
    expect(bare.body.waypoints[0]).not.toHaveProperty('hint');
  });
});

describe('GET /trip/v1/driving', () => {
  const coordinates = points.slice(0, 7);
  /** Every order of the points, to find the optimum by brute force from /table's matrix. */
  const permutations = (items: number[]): number[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

  async function matrix(): Promise<number[][]> {
    return (await api.get(`/table/v1/driving/${path(coordinates)}`)).body.durations as number[][];
  }
  const cost = (durations: number[][], order: number[], roundtrip: boolean) =>
    order.slice(1).reduce((total, to, i) => total + durations[order[i]!]![to]!, 0) + (roundtrip ? durations[order.at(-1)!]![order[0]!]! : 0);
  const visitOrder = (body: Body) => body.waypoints.map((waypoint, index) => ({ index, at: waypoint.waypoint_index })).sort((a, b) => a.at - b.at).map(({ index }) => index);

  it('answers a round trip in OSRM\'s shape, as short as the best of every order', async () => {
    const { status, body } = await api.get(`/trip/v1/driving/${path(coordinates)}?steps=true&geometries=geojson&overview=full`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['code', 'trips', 'waypoints']);
    expect(body.trips).toHaveLength(1);
    expect(body.trips[0]!.legs).toHaveLength(coordinates.length);
    expect(body.waypoints.map((waypoint) => waypoint.location)).toEqual(coordinates);
    expect(body.waypoints.every((waypoint) => waypoint.trips_index === 0)).toBe(true);
    const order = visitOrder(body);
    expect([...order].sort()).toEqual(coordinates.map((_, i) => i));
    const durations = await matrix();
    const best = Math.min(...permutations(coordinates.map((_, i) => i)).map((candidate) => cost(durations, candidate, true)));
    expect(cost(durations, order, true)).toBeCloseTo(best, 3);
    expect(body.trips[0]!.duration).toBeCloseTo(best, 0);
  });

  it('fixes the first and the last coordinate with source=first, destination=last, roundtrip=false', async () => {
    const { body } = await api.get(`/trip/v1/driving/${path(coordinates)}?source=first&destination=last&roundtrip=false`);
    const order = visitOrder(body);
    expect(order[0]).toBe(0);
    expect(order.at(-1)).toBe(coordinates.length - 1);
    expect(body.trips[0]!.legs).toHaveLength(coordinates.length - 1);
    const durations = await matrix();
    const middles = permutations(coordinates.slice(1, -1).map((_, i) => i + 1)).map((middle) => [0, ...middle, coordinates.length - 1]);
    expect(cost(durations, order, false)).toBeCloseTo(Math.min(...middles.map((candidate) => cost(durations, candidate, false))), 3);
  });

  it('ends a round trip at the last coordinate with destination=last', async () => {
    const { body } = await api.get(`/trip/v1/driving/${path(coordinates)}?destination=last`);
    expect(visitOrder(body).at(-1)).toBe(coordinates.length - 1);
  });
});

describe('/nearest with number, on the embedded Heidelberg network', () => {
  let embedded: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    embedded = await serve(await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' }));
  }, 120_000);
  afterAll(() => embedded.close());

  it('answers up to number waypoints on distinct roads, nearest first, like OSRM\'s recorded answer', async () => {
    const fixture = loadFixture('nearest');
    const recorded = (fixture.response as unknown as Body).waypoints;
    const { status, body } = await embedded.get(fixture.request);
    expect(status).toBe(200);
    expect(body.waypoints).toHaveLength(recorded.length);
    const distances = body.waypoints.map((waypoint) => waypoint.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(new Set(body.waypoints.map((waypoint) => waypoint.location.join())).size).toBe(recorded.length);
    expect(body.waypoints[0]!.distance).toBeLessThan(recorded[0]!.distance + 5);
    expect(body.waypoints[0]!.name).toBe(recorded[0]!.name);
  });

  it('answers a trip on roads, its legs the routes between the ordered points', async () => {
    const { status, body } = await embedded.get(`/trip/v1/driving/${path(points.slice(0, 5))}.json?source=first`);
    expect(status).toBe(200);
    expect(body.waypoints[0]!.waypoint_index).toBe(0);
    expect(body.trips[0]!.legs).toHaveLength(5);
    expect(body.trips[0]!.duration).toBeCloseTo(body.trips[0]!.legs.reduce((sum, leg) => sum + leg.duration, 0), 0);
  });

  it('serves VROOM 1.14 itself (-r osrm, with -g for the geometry), where its binary runs here', async () => {
    const binary = process.env.VROOM_BINARY ?? join(import.meta.dirname, '../../../shared/peers/vroom-1.14.0/vroom');
    const probe = existsSync(binary) ? spawnSync(binary, ['-h'], { encoding: 'utf8' }) : undefined;
    if (!probe || probe.error || probe.status !== 0) {
      console.warn(`osrm-grammar: live VROOM run skipped: ${probe ? 'the binary does not run (apt-get install -y libglpk40)' : `no binary at ${binary}`}`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'vroom-osrm-'));
    try {
      const file = join(dir, 'problem.json');
      const depot = points[0]!;
      writeFileSync(file, JSON.stringify({ vehicles: [{ id: 1, start: depot, end: depot }], jobs: points.slice(1, 8).map((location, i) => ({ id: i + 1, location, service: 120 })) }));
      const { port } = new URL(embedded.baseUrl);
      // Not spawnSync: the server VROOM asks runs on this thread.
      const stdout = await new Promise<string>((resolve) => {
        execFile(binary, ['-i', file, '-r', 'osrm', '-a', 'car:127.0.0.1', '-p', `car:${port}`, '-g'], { timeout: 60_000 }, (_error, out) => resolve(out));
      });
      const solution = JSON.parse(stdout) as { code: number; error?: string; summary: { unassigned: number; duration: number; distance: number }; routes: { geometry: string; steps: { type: string; location: LonLat; duration: number }[] }[] };
      expect(solution.code, solution.error).toBe(0);
      expect(solution.summary.unassigned).toBe(0);
      expect(solution.routes[0]!.geometry.length).toBeGreaterThan(20);
      // VROOM's travel times are this network's table, leg by leg.
      const steps = solution.routes[0]!.steps;
      const table = await embedded.get(`/table/v1/car/${path(steps.map((step) => step.location))}`);
      const travel = steps.slice(1).reduce((sum, _step, k) => sum + Math.round(table.body.durations[k]![k + 1]!), 0);
      expect(solution.summary.duration).toBe(travel);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
