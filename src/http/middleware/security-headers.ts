/**
 * Browser security headers on every response (helmet): a Content-Security-Policy the pages pass with no
 * inline script or style, no framing, nosniff, and HSTS only behind a TLS-terminating proxy (TRUST_PROXY).
 * CORS where it is meant: any origin on the OSRM-compatible endpoints (osrm.routes.ts), the configured
 * origins on the API.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityOptions {
  /** TILE_URL: the maps load their tiles from its host. */
  tileUrl?: string;
  /** Behind a proxy that terminates TLS: browsers are told to use HTTPS only. */
  hsts?: boolean;
  /** CORS_ORIGINS for /api/v1; none: browsers on other origins cannot call it. */
  corsOrigins?: string[];
}

/**
 * The CSP source for a tile URL template's host: "https://{s}.tile.example/{z}/{x}/{y}.png" → "https://*.tile.example".
 * A placeholder anywhere but the first label cannot be a CSP host: then any host of that scheme.
 */
export function tileSource(tileUrl: string): string | null {
  const match = /^(https?:)\/\/([^/?#]+)/i.exec(tileUrl);
  if (!match) return null;
  const host = match[2]!.replace(/^\{[^}]*\}\./, '*.');
  return host.includes('{') ? match[1]! : `${match[1]!.toLowerCase()}//${host}`;
}

export function securityHeaders({ tileUrl, hsts = false }: SecurityOptions): RequestHandler {
  const tiles = tileUrl ? tileSource(tileUrl) : null;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        // Leaflet's tiles; data: for the favicon and Leaflet's images, blob: for canvases turned into images.
        'img-src': ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])],
        // socket.io polls and upgrades on the same host; older browsers do not count ws: as 'self'.
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'font-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(hsts ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: hsts ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** CORS for /api/v1: only the configured origins; the Authorization header carries the credentials (no cookies). */
export function apiCors(origins: string[] = []): RequestHandler {
  if (origins.length === 0) return (_req, _res, next) => next();
  return cors({ origin: origins.includes('*') ? '*' : origins, maxAge: 600, exposedHeaders: ['Location', 'X-Request-Id', 'Retry-After'] });
}

/** CORS for the OSRM-compatible endpoints: any origin, as osrm-routed answers. */
export const osrmCors: RequestHandler = cors({ origin: '*', methods: ['GET'], maxAge: 600 });
