import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOsrmProvider } from '../../src/routing/osrm';
import { planTableChunks } from '../../src/routing/osrm/chunks';
import { RoutingError } from '../../src/routing/provider';
import { loadFixture, replay, startServer, type OsrmFixture, type TestServer } from './osrm-replay';
import type { LonLat } from '../../src/domain/model/geometry';

const coordinatesOf = (fixture: OsrmFixture): LonLat[] =>
  fixture.request
    .split('?')[0]
    .split('/')[4]
    .split(';')
    .map((pair) => pair.split(',').map(Number) as LonLat);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('planTableChunks', () => {
  it('covers every cell exactly once with chunks of at most maxTableSize × maxTableSize, evenly sized', () => {
    const sources = Array.from({ length: 1001 }, (_, i) => i);
    const destinations = Array.from({ length: 7 }, (_, i) => i * 3);
    const chunks = planTableChunks(sources, destinations, 1000);
    expect(chunks.map((chunk) => [chunk.sources.length, chunk.destinations.length])).toEqual([
      [501, 7],
      [500, 7],
    ]);
    const seen = new Set<string>();
    for (const chunk of chunks) {
      chunk.sources.forEach((source, i) => chunk.destinations.forEach((destination, j) => {
        expect(source).toBe(sources[chunk.rowOffset + i]);
        expect(destination).toBe(destinations[chunk.columnOffset + j]);
        seen.add(`${chunk.rowOffset + i}:${chunk.columnOffset + j}`);
      }));
    }
    expect(seen.size).toBe(1001 * 7);
  });

  it('sends one request when the table fits', () => {
    expect(planTableChunks([0, 1, 2], [0, 1, 2], 1000)).toHaveLength(1);
  });
});

describe('OSRM provider against recorded responses', () => {
  const points = loadFixture('table-points').points!.map(({ lon, lat }): LonLat => [lon, lat]);

  it('assembles a 200 × 200 table from 4 chunked requests, equal to OSRM\'s own 200 × 200 table', async () => {
    server = await startServer(replay([]));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, maxTableSize: 100 });
    const table = await provider.table({ coordinates: points });
    const recorded = loadFixture('table-200').response as { durations: number[][]; distances: number[][]; sources: { location: LonLat }[] };
    expect(server.requests).toHaveLength(4);
    for (const request of server.requests) {
      // Diagonal chunks use every coordinate they send as both source and destination, so they need no indexes.
      const coordinateCount = request.pathname.split('/')[4].split(';').length;
      const countOf = (name: string) => request.searchParams.get(name)?.split(';').length ?? coordinateCount;
      expect([countOf('sources'), countOf('destinations')]).toEqual([100, 100]);
      expect(request.searchParams.get('annotations')).toBe('duration,distance');
    }
    expect(table.durations).toEqual(recorded.durations);
    expect(table.distances).toEqual(recorded.distances);
    expect(table.sources.map((w) => w.location)).toEqual(recorded.sources.map((w) => w.location));
    expect(table.destinations).toHaveLength(200);
    expect(Object.keys(table.sources[0]).sort()).toEqual(['distance', 'location', 'name']);
  });

  it('asks for the whole table in one request when it fits, and for sources × destinations subsets', async () => {
    server = await startServer(replay([]));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl });
    const whole = await provider.table({ coordinates: points.slice(0, 50) });
    expect(whole.durations).toEqual((loadFixture('table-50').response as { durations: number[][] }).durations);
    expect(server.requests[0].searchParams.has('sources')).toBe(false);

    const subset = await provider.table({ coordinates: points.slice(0, 50), sources: [7, 3], destinations: [3, 49, 7] });
    const recorded = (loadFixture('table-50').response as { distances: number[][] }).distances;
    expect(subset.distances).toEqual([
      [recorded[7][3], recorded[7][49], recorded[7][7]],
      [recorded[3][3], recorded[3][49], recorded[3][7]],
    ]);
  });

  it('routes with steps, full GeoJSON geometry and annotations, as OSRM recorded it', async () => {
    const fixture = loadFixture('route-multi-01');
    server = await startServer(replay([fixture]));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl });
    const { route, waypoints } = await provider.route({ coordinates: coordinatesOf(fixture), steps: true, annotations: true });
    const recorded = (fixture.response as { routes: { distance: number; duration: number; legs: { steps: unknown[]; annotation: { distance: number[] } }[] }[] }).routes[0];
    expect(Object.fromEntries(server.requests[0].searchParams)).toEqual({ steps: 'true', overview: 'full', geometries: 'geojson', annotations: 'true' });
    expect(route.distance).toBe(recorded.distance);
    expect(route.duration).toBe(recorded.duration);
    expect(route.legs).toHaveLength(recorded.legs.length);
    expect(route.legs[0].steps).toEqual(recorded.legs[0].steps);
    expect(Object.keys(route.legs[0].annotation!).sort()).toEqual(['distance', 'duration']);
    expect(route.legs[0].annotation!.distance).toEqual(recorded.legs[0].annotation.distance);
    expect(route.geometry?.type).toBe('LineString');
    expect(waypoints).toHaveLength(coordinatesOf(fixture).length);
    expect(Object.keys(waypoints[0]).sort()).toEqual(['distance', 'location', 'name']);
  });

  it('snaps with /nearest and refuses a snap beyond maxDistanceMeters', async () => {
    const fixture = loadFixture('nearest');
    server = await startServer(replay([fixture]));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl });
    const [coordinate] = coordinatesOf(fixture);
    const nearest = await provider.nearest(coordinate);
    expect(nearest).toEqual({ location: [8.699449, 49.412145], name: 'Untere Neckarstraße', distance: 12.31151094 });
    await expect(provider.nearest(coordinate, 5)).rejects.toMatchObject({ code: 'NoSegment', coordinateIndex: 0 });
    expect(server.requests[1].searchParams.get('radiuses')).toBe('5');
  });

  it.each([
    ['error-invalid-coordinates', 'InvalidValue', undefined],
    ['error-no-segment', 'NoSegment', 0],
  ])('maps the recorded %s body to RoutingError %s without retrying', async (name, code, coordinateIndex) => {
    const fixture = loadFixture(name);
    server = await startServer(() => ({ status: fixture.status, body: fixture.response }));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, retries: 3, retryBaseDelayMs: 1 });
    // Valid coordinates, so the request reaches the server (the provider itself refuses latitude 95.5).
    const error = await provider.route({ coordinates: points.slice(0, 2) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoutingError);
    expect(error).toMatchObject({ code, coordinateIndex, message: (fixture.response as { message: string }).message });
    expect(server.requests).toHaveLength(1);
  });

  it('maps the recorded TooBig body of a 1,001-coordinate table', async () => {
    const fixture = loadFixture('error-too-many-table-coordinates');
    server = await startServer(() => ({ status: fixture.status, body: fixture.response }));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, maxTableSize: 2000 });
    const coordinates = coordinatesOf(fixture);
    expect(coordinates).toHaveLength(1001);
    await expect(provider.table({ coordinates })).rejects.toMatchObject({ code: 'TooBig', message: 'Too many table coordinates' });
  });

  it('names the caller\'s coordinate, not the chunk\'s, when a chunk fails', async () => {
    server = await startServer(() => ({ status: 400, body: { code: 'NoSegment', message: 'Could not find a matching segment for coordinate 1' } }));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, maxTableSize: 2, concurrency: 1 });
    const error = await provider.table({ coordinates: points.slice(0, 4), sources: [2, 3], destinations: [0, 1, 2, 3] }).catch((e: unknown) => e);
    // The first chunk sends sources [2, 3] then destination 0: its coordinate 1 is the caller's 3.
    expect(error).toMatchObject({ code: 'NoSegment', coordinateIndex: 3, message: 'Could not find a matching segment for coordinate 3' });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses bad coordinates and indexes itself, naming them, without asking the server', async () => {
    server = await startServer(replay([]));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl });
    await expect(provider.table({ coordinates: [points[0], [Number.NaN, 49.4]] })).rejects.toMatchObject({ code: 'InvalidValue', coordinateIndex: 1 });
    await expect(provider.table({ coordinates: points.slice(0, 3), destinations: [0, 3] })).rejects.toMatchObject({
      code: 'InvalidQuery',
      message: 'destinations[1] = 3 is not a coordinate index (0–2)',
    });
    await expect(provider.route({ coordinates: [points[0], [8.7, -91]] })).rejects.toMatchObject({ code: 'InvalidValue', coordinateIndex: 1 });
    expect(server.requests).toHaveLength(0);
  });

  it('maps OSRM\'s other codes: NoTable to NoRoute, InvalidOptions to InvalidQuery', async () => {
    const bodies = [
      { code: 'NoTable', message: 'No table found' },
      { code: 'InvalidOptions', message: 'Number of coordinates needs to be at least two.' },
    ];
    server = await startServer((_url, n) => ({ status: 400, body: bodies[n - 1] }));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl });
    await expect(provider.table({ coordinates: points.slice(0, 2) })).rejects.toMatchObject({ code: 'NoRoute' });
    await expect(provider.route({ coordinates: points.slice(0, 1) })).rejects.toMatchObject({ code: 'InvalidQuery' });
  });
});

describe('OSRM provider when the server misbehaves', () => {
  const fixture = loadFixture('route-01');

  it('retries 5xx with backoff and succeeds on the third attempt', async () => {
    const answer = replay([fixture]);
    server = await startServer((url, n) => (n <= 2 ? { status: 502, body: 'Bad Gateway' } : answer(url)));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, retries: 2, retryBaseDelayMs: 20 });
    const startedAt = performance.now();
    const { route } = await provider.route({ coordinates: coordinatesOf(fixture), steps: true });
    expect(route.distance).toBe((fixture.response as { routes: { distance: number }[] }).routes[0].distance);
    expect(server.requests).toHaveLength(3);
    // Backoff waits at least half of 20 ms, then half of 40 ms.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(30);
  });

  it('gives up with RoutingUnavailable after the retries, naming the last failure', async () => {
    server = await startServer(() => ({ status: 503, body: { code: 'Busy' } }));
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, retries: 1, retryBaseDelayMs: 1 });
    const error = await provider.route({ coordinates: coordinatesOf(fixture) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RoutingUnavailable' });
    expect((error as Error).message).toMatch(/HTTP 503.*2 attempts/);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a server that never answers, once per attempt', async () => {
    server = await startServer(() => 'hang');
    const provider = createOsrmProvider({ baseUrl: server.baseUrl, timeoutMs: 100, retries: 1, retryBaseDelayMs: 1 });
    const startedAt = performance.now();
    const error = await provider.nearest([8.69, 49.41]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RoutingUnavailable' });
    expect((error as Error).message).toMatch(/did not answer within 100 ms/);
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(190);
  });

  it('reports a server that is down as RoutingUnavailable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const provider = createOsrmProvider({ baseUrl: `http://127.0.0.1:${port}`, retries: 1, retryBaseDelayMs: 1 });
    const error = await provider.table({ coordinates: [[8.69, 49.41], [8.7, 49.42]] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoutingError);
    expect(error).toMatchObject({ code: 'RoutingUnavailable' });
    expect((error as Error).message).toMatch(/unreachable: ECONNREFUSED/);
  });
});
