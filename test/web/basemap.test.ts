import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basemapMount } from '../../src/http/routes/basemap.routes';
import { roadLinesInBox } from '../../src/routing/embedded/basemap';
import type { RoadNetwork } from '../../src/routing/embedded/road-network';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { RoutingProvider } from '../../src/routing/provider';
import { testDatabases } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';

/** Three roads: a primary road through the box, a residential street inside it, a track far away. */
function tinyNetwork(): RoadNetwork {
  const points: [number, number][] = [[8.60, 49.40], [8.70, 49.40], [8.65, 49.41], [8.66, 49.41], [9.50, 50.00], [9.51, 50.00]];
  return {
    pointLon: Float64Array.from(points.map(([lon]) => lon)),
    pointLat: Float64Array.from(points.map(([, lat]) => lat)),
    segmentFirst: Int32Array.from([0, 2, 4, 6]),
    segmentPoints: Int32Array.from([0, 1, 2, 3, 4, 5]),
    segmentWay: Int32Array.from([0, 1, 2]),
    ways: [
      { name: 'Hauptstraße', ref: '', highway: 'primary', roundabout: false, restricted: false },
      { name: 'Gartenweg', ref: '', highway: 'residential', roundabout: false, restricted: false },
      { name: 'Far away', ref: '', highway: 'residential', roundabout: false, restricted: false },
    ],
  } as unknown as RoadNetwork;
}

describe('offline base map', () => {
  it('returns the segments with a point in the box, major roads first when cut', () => {
    const network = tinyNetwork();
    const lines = roadLinesInBox(network, [8.64, 49.39, 8.71, 49.42], 10);
    expect(lines.map((line) => line.name).sort()).toEqual(['Gartenweg', 'Hauptstraße']);
    expect(lines.find((line) => line.name === 'Gartenweg')!.coordinates).toEqual([[8.65, 49.41], [8.66, 49.41]]);
    expect(roadLinesInBox(network, [8.64, 49.39, 8.71, 49.42], 1).map((line) => line.name)).toEqual(['Hauptstraße']);
    expect(roadLinesInBox(network, [0, 0, 1, 1], 10)).toEqual([]);
  });

  describe.each(testDatabases())('over HTTP on $engine', (backend) => {
    let withRoads: TestApp;
    let withoutRoads: TestApp;
    beforeAll(async () => {
      const network = tinyNetwork();
      const embeddedLike = { ...createHaversineProvider(), roadsInBox: (box: [number, number, number, number], max: number) => roadLinesInBox(network, box, max) } as RoutingProvider;
      withRoads = await startTestApp(backend, { mounts: [basemapMount(embeddedLike)] });
      withoutRoads = await startTestApp(backend, { mounts: [basemapMount(createHaversineProvider())] });
    });
    afterAll(async () => {
      await withRoads?.close();
      await withoutRoads?.close();
    });

    it('serves GeoJSON lines to anyone, and names a bad bbox', async () => {
      const reply = await withRoads.request('GET', '/api/v1/basemap/roads?bbox=8.64,49.39,8.71,49.42', { token: null });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toContain('application/geo+json');
      expect(reply.body.features.map((feature: { properties: { name: string } }) => feature.properties.name).sort()).toEqual(['Gartenweg', 'Hauptstraße']);
      for (const bbox of ['8.7,49.4,8.6,49.5', '8,49,9,50', 'a,b,c,d', '8.6,49.4']) {
        const bad = await withRoads.request('GET', `/api/v1/basemap/roads?bbox=${bbox}`, { token: null });
        expect(bad.status, bbox).toBe(400);
        expect(bad.body.error.details[0].path).toContain('bbox');
      }
    });

    it('answers 503 when the routing has no road geometry (a tile URL is needed then)', async () => {
      const reply = await withoutRoads.request('GET', '/api/v1/basemap/roads?bbox=8.64,49.39,8.71,49.42', { token: null });
      expect(reply.status).toBe(503);
      expect(reply.body.error.code).toBe('basemap_unavailable');
    });
  });
});
