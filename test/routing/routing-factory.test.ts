import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoutingProvider, type RoutingConfig } from '../../src/routing';
import { loadFixture, replay, startServer, type TestServer } from './osrm-replay';
import type { LonLat } from '../../src/domain/model/geometry';

const base: RoutingConfig = { ROUTING: 'embedded', OSRM_URL: undefined, OSM_PBF: 'data/osm/monaco.osm.pbf', DATA_DIR: './var' };
const points = loadFixture('table-points').points!.map(({ lon, lat }): LonLat => [lon, lat]);

let server: TestServer | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

describe('createRoutingProvider', () => {
  it('gives straight lines with ROUTING=haversine, even when OSRM_URL is set', async () => {
    const provider = await createRoutingProvider({ ...base, ROUTING: 'haversine', OSRM_URL: 'http://127.0.0.1:1' });
    expect(provider.name).toBe('haversine');
    expect((await provider.nearest([8.69, 49.41])).distance).toBe(0);
  });

  it('talks to the OSRM server at OSRM_URL', async () => {
    server = await startServer(replay([]));
    const provider = await createRoutingProvider({ ...base, OSRM_URL: server.baseUrl });
    expect(provider.name).toBe('osrm');
    const table = await provider.table({ coordinates: points.slice(0, 3) });
    expect(table.durations[0][1]).toBe((loadFixture('table-50').response as { durations: number[][] }).durations[0][1]);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses ROUTING=osrm without OSRM_URL', async () => {
    await expect(createRoutingProvider({ ...base, ROUTING: 'osrm' })).rejects.toThrow(/OSRM_URL/);
  });

  it('builds the embedded graph from OSM_PBF by default, cached under DATA_DIR/routing-cache', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lastmile-routing-'));
    const provider = await createRoutingProvider({ ...base, DATA_DIR: dataDir });
    expect(provider.name).toBe('embedded');
    const monacoCasino: LonLat = [7.4275, 43.7395];
    const snapped = await provider.nearest(monacoCasino);
    expect(snapped.distance).toBeLessThan(100);
    const again = await createRoutingProvider({ ...base, DATA_DIR: dataDir });
    expect((again as unknown as { stats(): { loadedFromCache: boolean } }).stats().loadedFromCache).toBe(true);
  }, 120_000);
});
