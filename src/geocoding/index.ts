/**
 * Picks the geocoder from the configuration: GEOCODER_URL set → that Nominatim-compatible service;
 * otherwise the embedded one over OSM_PBF, its index cached under DATA_DIR/geocoder-cache.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadEmbeddedGeocoder } from './embedded';
import { createNominatimGeocoder } from './nominatim';
import type { Geocoder } from './types';

/** The geocoding part of the service's Config (src/config.ts). */
export interface GeocodingConfig {
  GEOCODER_URL?: string;
  OSM_PBF: string;
  DATA_DIR: string;
}

export function createGeocoder(config: GeocodingConfig, log?: Logger): Geocoder {
  const geocoder = config.GEOCODER_URL
    ? createNominatimGeocoder({ baseUrl: config.GEOCODER_URL })
    : loadEmbeddedGeocoder({ pbfPath: config.OSM_PBF, cacheDir: join(config.DATA_DIR, 'geocoder-cache'), log: (message) => log?.info({ geocoder: 'embedded' }, message) });
  log?.info(geocoder.describe(), 'geocoder ready');
  return geocoder;
}
