/**
 * Picks the road network from the configuration, and says how the service (outside the OSRM API)
 * shows a routing failure.
 *   ROUTING=haversine → straight lines; OSRM_URL set (or ROUTING=osrm) → that OSRM server;
 *   otherwise the embedded OSM graph from OSM_PBF, cached under DATA_DIR/routing-cache.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createHaversineProvider } from './haversine';
import { createOsrmProvider } from './osrm';
import type { RoutingProvider } from './provider';

/** The routing part of the service's Config (src/config.ts). */
export interface RoutingConfig {
  ROUTING: 'embedded' | 'osrm' | 'haversine';
  OSRM_URL?: string;
  OSM_PBF: string;
  DATA_DIR: string;
}

export async function createRoutingProvider(config: RoutingConfig, log?: Logger): Promise<RoutingProvider> {
  if (config.ROUTING === 'haversine') {
    log?.info({ routing: 'haversine' }, 'routing by straight lines (haversine × detour factor)');
    return createHaversineProvider();
  }
  if (config.OSRM_URL || config.ROUTING === 'osrm') {
    if (!config.OSRM_URL) throw new Error('OSRM_URL is required when ROUTING=osrm');
    log?.info({ routing: 'osrm', url: config.OSRM_URL }, 'routing through an OSRM server');
    return createOsrmProvider({ baseUrl: config.OSRM_URL });
  }
  // Loaded only when used: the embedded graph code is large and the other providers do not need it.
  const { loadEmbeddedRouting } = await import('./embedded');
  const provider = await loadEmbeddedRouting({
    pbfPath: config.OSM_PBF,
    cacheDir: join(config.DATA_DIR, 'routing-cache'),
    log: (message) => log?.info({ routing: 'embedded' }, message),
  });
  log?.info({ routing: 'embedded', pbf: config.OSM_PBF, ...provider.stats() }, 'embedded road network ready');
  return provider;
}
