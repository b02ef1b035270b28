import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import polyline from '@mapbox/polyline';
import { osrmRouter } from '../../src/http/routes/osrm.routes';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createOsrmProvider } from '../../src/routing/osrm';
import { loadEmbeddedRouting } from '../../src/routing/embedded';
import { RoutingError, type RoutingProvider } from '../../src/routing/provider';
import { loadFixture } from '../routing/osrm-replay';
import type { LonLat } from '../../src/domain/model/geometry';

/** The parts of OSRM's bodies these tests read. */
interface OsrmBody {
  code: string;
  message: string;
  routes: { geometry: string; legs: { steps: { geometry: string; maneuver: object; intersections: object[] }[]; annotation: object }[] }[];
  waypoints: { location: LonLat }[];
  durations: number[][];
  distances: number[][];
  sources: { location: LonLat }[];
  destinations: { location: LonLat }[];
}

/** Serves the router over real HTTP with a header limit large enough for 1,000 coordinates in one GET. */
async function serve(provider: RoutingProvider, options?: Parameters<typeof osrmRouter>[1]) {
  const app = express().use(osrmRouter(provider, options));
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string) => {
    const response = await fetch(baseUrl + path);
    return { status: response.status, body: (await response.json()) as OsrmBody };
  };
  return { baseUrl, get, close: () => new Promise((resolve) => server.close(resolve)) };
}

const haversine = createHaversineProvider();
/** A provider with roads only around Heidelberg, and no way across the Rhine at lon 8.45. */
const heidelbergOnly: RoutingProvider = {
  ...haversine,
  async nearest(coordinate, maxDistanceMeters) {
    const inside = coordinate[0] > 8.5 && coordinate[0] < 8.9 && coordinate[1] > 49.3 && coordinate[1] < 49.5;
    if (!inside && maxDistanceMeters !== undefined) throw new RoutingError('NoSegment', 'Could not find a matching segment for coordinate 0', 0);
    return haversine.nearest(coordinate);
  },
  async route(request) {
    const across = request.coordinates.findIndex(([lon]) => lon < 8.45);
    if (across >= 0) throw new RoutingError('NoRoute', `No route to coordinate ${across}`, across);
    return haversine.route(request);
  },
};

const keys = (value: object) => Object.keys(value).sort();
const points = loadFixture('table-points').points!.map(({ lon, lat }): LonLat => [lon, lat]);
const coordinatesOfRequest = (request: string): LonLat[] =>
  request.split('?')[0].split('/')[4].split(';').map((pair) => pair.split(',').map(Number) as LonLat);
const path = (coordinates: LonLat[]) => coordinates.map(([lon, lat]) => `${lon},${lat}`).join(';');

let api: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  api = await serve(heidelbergOnly);
});
afterAll(() => api.close());

describe('GET /route/v1/driving', () => {
  const fixture = loadFixture('route-01');
  const recorded = fixture.response as unknown as OsrmBody;

  it('answers in OSRM\'s shape, key by key (less the OSM node ids)', async () => {
    const { status, body } = await api.get(fixture.request);
    expect(status).toBe(200);
    expect(keys(body)).toEqual(keys(recorded));
    expect(body.code).toBe('Ok');
    const [route, recordedRoute] = [body.routes[0], recorded.routes[0]];
    expect(keys(route)).toEqual(keys(recordedRoute));
    expect(keys(route.legs[0])).toEqual(keys(recordedRoute.legs[0]));
    for (const name of keys(route.legs[0].annotation)) expect(keys(recordedRoute.legs[0].annotation)).toContain(name);
    const recordedStep = recordedRoute.legs[0].steps[0];
    expect(keys(route.legs[0].steps[0])).toEqual(keys(recordedStep).filter((key) => key !== 'ref'));
    expect(keys(route.legs[0].steps[0].maneuver)).toEqual(keys(recordedStep.maneuver));
    expect(keys(route.legs[0].steps[0].intersections[0])).toEqual(keys(recordedStep.intersections[0]));
    expect(keys(route.legs[0].steps.at(-1)!.maneuver)).toEqual(keys(recordedRoute.legs[0].steps.at(-1)!.maneuver));
    expect(route.geometry).toMatchObject({ type: 'LineString' });
    expect(keys(body.waypoints[0])).toEqual(keys(recorded.waypoints[0]));
    expect(body.waypoints.map((w) => w.location)).toEqual(fixture.points!.map(({ lon, lat }) => [lon, lat]));
  });

  it('uses OSRM\'s defaults: polyline geometry, no steps, no annotations', async () => {
    const coordinates = points.slice(0, 3);
    const { body } = await api.get(`/route/v1/driving/${path(coordinates)}`);
    expect(typeof body.routes[0].geometry).toBe('string');
    const toFivePlaces = (value: number) => Math.round(value * 1e5) / 1e5;
    expect(polyline.decode(body.routes[0].geometry, 5)).toEqual(coordinates.map(([lon, lat]) => [toFivePlaces(lat), toFivePlaces(lon)]));
    expect(body.routes[0].legs).toHaveLength(2);
    expect(body.routes[0].legs[0].steps).toEqual([]);
    expect(body.routes[0].legs[0]).not.toHaveProperty('annotation');
  });

  it('encodes step and route geometry as polyline6, leaves it out with overview=false', async () => {
    const coordinates = points.slice(0, 2);
    const { body } = await api.get(`/route/v1/driving/${path(coordinates)}?geometries=polyline6&steps=true&overview=full`);
    expect(polyline.decode(body.routes[0].geometry, 6)).toEqual(coordinates.map(([lon, lat]) => [lat, lon]));
    expect(polyline.decode(body.routes[0].legs[0].steps[0].geometry, 6)).toEqual(coordinates.map(([lon, lat]) => [lat, lon]));
    const { body: bare } = await api.get(`/route/v1/driving/${path(coordinates)}?overview=false&annotations=distance`);
    expect(bare.routes[0]).not.toHaveProperty('geometry');
    expect(keys(bare.routes[0].legs[0].annotation)).toEqual(['distance']);
  });

  it("answers a URL with broken percent-encoding with OSRM's InvalidUrl, in OSRM's shape", async () => {
    for (const service of ['route', 'table', 'nearest']) {
      const reply = await api.get(`/${service}/v1/driving/8.68,49.41;8.69,49.42%E0%A4%A`);
      expect(reply.status, service).toBe(400);
      expect(reply.body).toMatchObject({ code: 'InvalidUrl', message: expect.stringContaining('%E0%A4%A') });
    }
  });

  it('accepts polyline6(…) and polyline(…) coordinates', async () => {
    const coordinates = points.slice(0, 4);
    const encode = (precision: number) => encodeURIComponent(polyline.encode(coordinates.map(([lon, lat]) => [lat, lon]), precision));
    expect((await api.get(`/route/v1/driving/polyline(${encode(5)})`)).body.waypoints).toHaveLength(4);
    const { status, body } = await api.get(`/route/v1/driving/polyline6(${encode(6)})`);
    expect(status).toBe(200);
    expect(body.waypoints.map((w) => w.location)).toEqual(coordinates);
  });
});

describe('GET /table/v1/driving', () => {
  const fixture = loadFixture('table-50');

  it('answers in OSRM\'s shape with the durations and distances of the provider', async () => {
    const { status, body } = await api.get(fixture.request);
    const recorded = fixture.response as unknown as OsrmBody;
    expect(status).toBe(200);
    expect(keys(body)).toEqual(keys(recorded));
    expect(keys(body.sources[0])).toEqual(keys(recorded.sources[0]));
    expect(body.durations).toHaveLength(50);
    expect(body.durations[0]).toHaveLength(50);
    const direct = await haversine.table({ coordinates: points.slice(0, 50) });
    expect(body.durations).toEqual(direct.durations);
    expect(body.distances).toEqual(direct.distances);
  });

  it('defaults to durations only, and takes sources and destinations', async () => {
    const { body } = await api.get(`/table/v1/driving/${path(points.slice(0, 5))}?sources=4;0&destinations=1;2;3`);
    expect(keys(body)).toEqual(['code', 'destinations', 'durations', 'sources']);
    expect(body.durations).toHaveLength(2);
    expect(body.durations[0]).toHaveLength(3);
    expect(body.sources[0].location).toEqual(points[4]);
    expect(body.destinations[2].location).toEqual(points[3]);
  });

  it('answers 1,000 coordinates in one GET, refuses 1,001 with TooBig', async () => {
    const thousand = Array.from({ length: 1001 }, (_, i): LonLat => [8.6 + (i % 40) * 0.005, 49.35 + Math.floor(i / 40) * 0.004]);
    const accepted = await api.get(`/table/v1/driving/${path(thousand.slice(0, 1000))}`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.durations).toHaveLength(1000);
    expect(accepted.body.durations[999]).toHaveLength(1000);
    const refused = await api.get(`/table/v1/driving/${path(thousand)}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ code: 'TooBig', message: expect.stringMatching(/^Too many table coordinates/) });
    // The limit is on cells, like OSRM's: 1,001 coordinates with fewer sources fit.
    const fewerSources = await api.get(`/table/v1/driving/${path(thousand)}?sources=0;1`);
    expect(fewerSources.status).toBe(200);
  });

  it('honours a configured limit', async () => {
    const small = await serve(haversine, { maxTableSize: 3 });
    try {
      expect((await small.get(`/table/v1/driving/${path(points.slice(0, 3))}`)).status).toBe(200);
      expect((await small.get(`/table/v1/driving/${path(points.slice(0, 4))}`)).body.code).toBe('TooBig');
    } finally {
      await small.close();
    }
  });
});

describe('GET /nearest/v1/driving', () => {
  it('answers in OSRM\'s shape', async () => {
    const fixture = loadFixture('nearest');
    const { status, body } = await api.get(fixture.request);
    expect(status).toBe(200);
    expect(keys(body)).toEqual(keys(fixture.response));
    expect(keys(body.waypoints[0])).toEqual(keys((fixture.response as unknown as OsrmBody).waypoints[0]).filter((key) => key !== 'nodes'));
    expect(body.waypoints[0].location).toEqual([fixture.points![0].lon, fixture.points![0].lat]);
  });
});

describe('OSRM errors, in OSRM\'s shape', () => {
  it.each([
    ['latitude out of range', '/route/v1/driving/8.68866,49.403173;8.68866,95.5', 'InvalidValue', /coordinate 1 \(8.68866,95.5\)/],
    ['a coordinate that is not a number', '/route/v1/driving/8.68866,49.403173;abc,49.4;8.7,49.4', 'InvalidQuery', /Coordinate 1 \("abc,49.4"\)/],
    ['a lone number', '/table/v1/driving/8.68866,49.403173;8.7', 'InvalidQuery', /Coordinate 1/],
    ['one route coordinate', '/route/v1/driving/8.68866,49.403173', 'InvalidQuery', /at least two coordinates/],
    ['a bad option value', '/route/v1/driving/8.68866,49.403173;8.7,49.4?geometries=wkt', 'InvalidQuery', /geometries must be one of polyline, polyline6, geojson, got "wkt"/],
    ['a bad boolean', '/route/v1/driving/8.68866,49.403173;8.7,49.4?steps=yes', 'InvalidQuery', /steps must be true or false/],
    ['an annotation we lack', '/route/v1/driving/8.68866,49.403173;8.7,49.4?annotations=nodes', 'InvalidOptions', /"nodes" is not available/],
    ['an annotation OSRM lacks too', '/route/v1/driving/8.68866,49.403173;8.7,49.4?annotations=colour', 'InvalidQuery', /"colour" is not one of/],
    ['a source out of range', '/table/v1/driving/8.68866,49.403173;8.7,49.4?sources=0;2', 'InvalidQuery', /sources\[1\] = "2" is not a coordinate index \(0–1\)/],
    ['radiuses of the wrong length', '/route/v1/driving/8.68866,49.403173;8.7,49.4?radiuses=100', 'InvalidOptions', /Number of radiuses \(1\) does not match number of coordinates \(2\)/],
    ['a point far from any road', '/route/v1/driving/8.68866,49.403173;0.000001,0.000001?radiuses=100;100', 'NoSegment', /coordinate 1 within 100 m/],
    ['unconnected waypoints', '/route/v1/driving/8.68866,49.403173;8.4,49.4', 'NoRoute', /coordinate 1/],
    ['two coordinates to nearest', '/nearest/v1/driving/8.68866,49.403173;8.7,49.4', 'InvalidQuery', /exactly one coordinate/],
  ])('%s → 400 %s naming the culprit', async (_what, request, code, message) => {
    const { status, body } = await api.get(request);
    expect(status).toBe(400);
    expect(keys(body)).toEqual(['code', 'message']);
    expect(body.code).toBe(code);
    expect(body.message).toMatch(message);
  });

  it('matches OSRM\'s recorded status and code for its recorded errors', async () => {
    for (const name of ['error-invalid-coordinates', 'error-no-segment', 'error-too-many-table-coordinates']) {
      const fixture = loadFixture(name);
      const { status, body } = await api.get(fixture.request);
      expect([name, status, body.code]).toEqual([name, fixture.status, (fixture.response as { code: string }).code]);
    }
  });

  it('answers 503 RoutingUnavailable when the road network behind it is down', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const down = await serve(createOsrmProvider({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 }));
    try {
      const { status, body } = await down.get(`/table/v1/driving/${path(points.slice(0, 2))}`);
      expect(status).toBe(503);
      expect(body.code).toBe('RoutingUnavailable');
      expect(body.message).toMatch(/unreachable/);
    } finally {
      await down.close();
    }
  });
});

describe('the OSRM API over the embedded Heidelberg network', () => {
  let embedded: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    // The service's own cache location, so the graph is built once and reloaded afterwards.
    embedded = await serve(await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' }));
  }, 120_000);
  afterAll(() => embedded.close());

  it('answers OSRM\'s recorded route request in OSRM\'s shape, within 5 % of OSRM\'s distance', async () => {
    const fixture = loadFixture('route-01');
    const recorded = fixture.response as unknown as OsrmBody & { routes: { distance: number }[] };
    const { status, body } = await embedded.get(fixture.request);
    expect(status).toBe(200);
    expect(keys(body)).toEqual(keys(recorded));
    expect(keys(body.routes[0])).toEqual(keys(recorded.routes[0]));
    expect(keys(body.routes[0].legs[0])).toEqual(keys(recorded.routes[0].legs[0]));
    const stepKeys = new Set(recorded.routes[0].legs[0].steps.flatMap((step) => Object.keys(step)));
    for (const step of body.routes[0].legs[0].steps) for (const key of Object.keys(step)) expect(stepKeys).toContain(key);
    const distance = (body as unknown as { routes: { distance: number }[] }).routes[0].distance;
    expect(Math.abs(distance - recorded.routes[0].distance) / recorded.routes[0].distance).toBeLessThan(0.05);
  });

  it('answers OSRM\'s recorded table request with the same shape and, on the median, the same durations', async () => {
    const fixture = loadFixture('table-50');
    const recorded = fixture.response as unknown as OsrmBody;
    const { status, body } = await embedded.get(fixture.request);
    expect(status).toBe(200);
    expect(keys(body)).toEqual(keys(recorded));
    const differences = body.durations.flatMap((row, i) => row.flatMap((seconds, j) => (i === j ? [] : [Math.abs(seconds - recorded.durations[i][j]) / recorded.durations[i][j]])));
    differences.sort((a, b) => a - b);
    expect(differences[Math.floor(differences.length / 2)]).toBeLessThan(0.1);
  });

  it('gives OSRM\'s recorded status and code for OSRM\'s recorded errors', async () => {
    for (const name of ['error-invalid-coordinates', 'error-no-segment', 'error-too-many-table-coordinates']) {
      const fixture = loadFixture(name);
      const { status, body } = await embedded.get(fixture.request);
      expect([name, status, body.code]).toEqual([name, fixture.status, (fixture.response as { code: string }).code]);
    }
  });

  it('refuses a point far from any road, naming its index', async () => {
    const { status, body } = await embedded.get(`/table/v1/driving/${path(points.slice(0, 3))};7.0,49.0`);
    expect(status).toBe(400);
    expect(body.code).toBe('NoSegment');
    expect(body.message).toMatch(/coordinate 3 within/);
  });

  it('answers the queries VROOM sends (profile "car", a 35 m radius per location)', async () => {
    // As VROOM's osrm_routed_wrapper builds them.
    const locations = points.slice(0, 6);
    const radiuses = `radiuses=${locations.map(() => '35').join(';')}`;
    const table = await embedded.get(`/table/v1/car/${path(locations)}?annotations=duration,distance&${radiuses}`);
    expect(table.status).toBe(200);
    expect(table.body.durations).toHaveLength(6);
    expect(table.body.distances[5]).toHaveLength(6);
    const route = await embedded.get(`/route/v1/car/${path(locations)}?alternatives=false&steps=false&overview=full&continue_straight=false&${radiuses}`);
    expect(route.status).toBe(200);
    expect(route.body.routes[0].legs).toHaveLength(5);
    expect(polyline.decode(route.body.routes[0].geometry, 5).length).toBeGreaterThan(5);
    // VROOM reads the index after "coordinate " in a NoSegment message.
    const far = await embedded.get(`/table/v1/car/${path([...locations, [7.0, 49.0]])}?annotations=duration,distance&${radiuses};35`);
    expect(far.body.message).toMatch(/^Could not find a matching segment for coordinate 6\b/);
  });

  it('is read by our own OSRM client exactly as the embedded provider answers directly', async () => {
    const direct = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
    const overHttp = createOsrmProvider({ baseUrl: embedded.baseUrl, maxTableSize: 20 });
    const coordinates = points.slice(0, 30);
    expect(await overHttp.table({ coordinates })).toEqual(await direct.table({ coordinates }));
    const request = { coordinates: points.slice(30, 33), steps: true, annotations: true };
    expect(await overHttp.route(request)).toEqual(await direct.route(request));
  });

  it('answers a 1,000 × 1,000 table in one GET', async () => {
    const coordinates = coordinatesOfRequest(loadFixture('error-too-many-table-coordinates').request).slice(0, 1000);
    const { status, body } = await embedded.get(`/table/v1/driving/${path(coordinates)}?annotations=duration,distance`);
    expect(status).toBe(200);
    expect(body.durations).toHaveLength(1000);
    expect(body.distances[999]).toHaveLength(1000);
    expect(body.durations.flat().every((seconds) => seconds !== null)).toBe(true);
  }, 60_000);
});
