/**
 * Serves the built web pages: the dispatch console at /dispatch (its reports at /reports), the driver app at /driver, the
 * customer tracking page at /t/{token} (never indexed), and their hashed assets. The tile URL is
 * written into each page; without one, the pages draw the base map from the road network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type ErrorRequestHandler, type Response } from 'express';
import { notFound } from '../errors';

export interface WebOptions {
  /** Built pages (web/dist). */
  distDir: string;
  /** A Leaflet tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; none: offline base map. */
  tileUrl?: string;
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function webRouter(options: WebOptions): Router {
  const router = Router();
  const page = (name: string) => {
    const file = join(options.distDir, name, 'index.html');
    if (!existsSync(file)) return null;
    return readFileSync(file, 'utf8').replace('content="__TILE_URL__"', `content="${escapeAttribute(options.tileUrl ?? '')}"`);
  };
  const pages = { dispatch: page('dispatch'), driver: page('driver'), track: page('track'), reports: page('reports') };
  const send = (res: Response, html: string | null) => {
    if (html === null) {
      res.status(503).type('text').send('The web pages are not built: run `npm run build:web` (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  };

  router.use('/assets', express.static(join(options.distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }), assetNotFound);
  router.get('/', (_req, res) => res.redirect('/dispatch'));
  router.get('/dispatch', (_req, res) => send(res, pages.dispatch));
  router.get('/driver', (_req, res) => send(res, pages.driver));
  router.get('/reports', (_req, res) => send(res, pages.reports));
  router.get('/t/:token', (_req, res) => {
    res.setHeader('X-Robots-Tag', 'noindex, nofollow');
    res.setHeader('Referrer-Policy', 'no-referrer');
    send(res, pages.track);
  });
  return router;
}

/** A path that climbs out of the assets (403 from static serving) or does not decode (400) names no asset: 404. */
const assetNotFound: ErrorRequestHandler = (error: { status?: number }, req, _res, next) => {
  next(error.status === 400 || error.status === 403 || error.status === 404 ? notFound('Asset', req.originalUrl) : error);
};
