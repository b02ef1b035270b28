import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRouter } from '../../src/http/web';

describe('serving the built pages', () => {
  const distDir = mkdtempSync(join(tmpdir(), 'lastmile-dist-'));
  const servers: Server[] = [];
  let url: string;
  let unbuiltUrl: string;

  const listen = async (router: express.Router) => {
    const server = createServer(express().use(router));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    for (const page of ['dispatch', 'driver', 'track', 'reports']) {
      mkdirSync(join(distDir, page));
      writeFileSync(join(distDir, page, 'index.html'), `<meta name="tile-url" content="__TILE_URL__"><title>${page}</title>`);
    }
    mkdirSync(join(distDir, 'assets'));
    writeFileSync(join(distDir, 'assets', 'app-1234.js'), 'console.log(1)');
    url = await listen(webRouter({ distDir, tileUrl: 'https://tiles.example/{z}/{x}/{y}.png?a="b"' }));
    unbuiltUrl = await listen(webRouter({ distDir: join(distDir, 'missing') }));
  });
  afterAll(() => {
    for (const server of servers) server.close();
    rmSync(distDir, { recursive: true, force: true });
  });

  it('serves each page with the tile URL written in, escaped', async () => {
    for (const [path, title] of [['/dispatch', 'dispatch'], ['/driver', 'driver'], ['/t/some-token', 'track'], ['/reports', 'reports']]) {
      const response = await fetch(url + path);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`<title>${title}</title>`);
      expect(html).toContain('content="https://tiles.example/{z}/{x}/{y}.png?a=&quot;b&quot;"');
    }
  });

  it('never lets the tracking page be indexed; the others may be', async () => {
    expect((await fetch(`${url}/t/abc`)).headers.get('x-robots-tag')).toContain('noindex');
    expect((await fetch(`${url}/dispatch`)).headers.get('x-robots-tag')).toBeNull();
  });

  it('serves hashed assets as immutable, and a missing asset as 404', async () => {
    const asset = await fetch(`${url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${url}/assets/nope.js`)).status).toBe(404);
  });

  it('says how to build when the pages are missing', async () => {
    const response = await fetch(`${unbuiltUrl}/dispatch`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
