/**
 * The map layers in a real browser, on a bare page (test/web/fixtures/layers, built with Vite): a removed
 * layer leaves nothing behind — no map event handler, no DOM listener, no feed subscription, no request
 * when the map moves — and adding it again handles each event once. Layers update by id: a known marker
 * is moved in place, new ones are added and missing ones removed.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the page's globals are read untyped */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { CDPSession, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser } from './browser';

const fixtureDir = join(import.meta.dirname, 'fixtures', 'layers');

/** Every layer kind, fed (or set) with a few items around Heidelberg; kept on `window.made`. */
function makeLayers(): void {
  const w = window as any;
  const { layers, testFeed } = w;
  const at = (east: number, north: number): [number, number] => [8.69 + east * 0.002, 49.41 + north * 0.002];
  w.feeds ??= {
    routes: testFeed([{ vehicleId: 1, coordinates: [at(0, 0), at(1, 1), at(2, 1)], color: '#1f77b4' }]),
    stops: testFeed([1, 2, 3].map((n) => ({ orderId: n, location: at(n, 1), label: String(n), color: '#1f77b4', title: `Van 1 stop ${n}`, tooltip: `O-${n}` }))),
    // Two orders on one spot make a cluster, one far away stays alone.
    clusters: testFeed([
      { id: 10, location: at(-3, -3), label: 'O-10', color: '#5b6773' },
      { id: 11, location: at(-3, -3), label: 'O-11', color: '#5b6773' },
      { id: 12, location: at(5, -4), label: 'O-12', color: '#5b6773' },
    ]),
    vehicles: testFeed([{ vehicleId: 1, location: at(0, 0), name: 'Van 1', color: '#1f77b4' }]),
    depots: testFeed([{ id: 1, name: 'Depot', location: at(0, -1) }]),
  };
  const { feeds } = w;
  w.made = [
    new layers.RoutesLayer(feeds.routes),
    new layers.StopsLayer(feeds.stops),
    new layers.ClusterLayer(feeds.clusters),
    new layers.VehiclesLayer(feeds.vehicles),
    new layers.DepotsLayer(feeds.depots),
    new layers.RoadsLayer(),
  ];
  for (const layer of w.made) layer.addTo(w.map);
}

/** What the map holds: its event handlers by type, its layers, markers and tooltips in the DOM, the feeds' subscribers. */
function mapSnapshot() {
  const w = window as any;
  const handlers = Object.entries(w.map._events as Record<string, unknown[]>)
    .filter(([, list]) => list.length > 0)
    .map(([type, list]) => [type, list.length] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return {
    handlers: Object.fromEntries(handlers) as Record<string, number>,
    layers: Object.keys(w.map._layers).length,
    markers: document.querySelectorAll('#map .leaflet-marker-icon').length,
    tooltips: document.querySelectorAll('#map .leaflet-tooltip').length,
    /** Canvas renderers on the map: the map's own, and the base map's once it drew roads. */
    canvases: document.querySelectorAll('#map canvas').length,
    subscribers: Object.fromEntries(Object.entries(w.feeds ?? {}).map(([name, feed]: [string, any]) => [name, feed.subscribers])) as Record<string, number>,
  };
}

/** DOM event listeners (as Chromium's DevTools count them) on window, document and the map's whole subtree, by type. */
async function domListeners(cdp: CDPSession): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, expression] of [['window', 'window'], ['document', 'document'], ['map', 'document.getElementById("map")']] as const) {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId!, depth: -1, pierce: true });
    for (const listener of listeners) counts[`${name}:${listener.type}`] = (counts[`${name}:${listener.type}`] ?? 0) + 1;
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId! });
  }
  return counts;
}

describe('map layers', () => {
  let outDir: string;
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  /** Requests the offline base map made for roads. */
  let roadRequests = 0;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'lastmile-layers-'));
    await build({ root: fixtureDir, base: '/', configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
    const app = express();
    app.get('/api/v1/basemap/roads', (_request, response) => {
      roadRequests += 1;
      response.json({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'LineString', coordinates: [[8.68, 49.40], [8.70, 49.42]] } }] });
    });
    app.use(express.static(outDir));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  const problems: string[] = [];
  const freshPage = async () => {
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => (window as any).map !== undefined);
    cdp = await page.context().newCDPSession(page);
  };

  it('a removed layer leaves no map handler, DOM listener, feed subscription or request behind; added again, it handles each event once', async () => {
    await freshPage();
    const before = await page.evaluate(mapSnapshot);
    const domBefore = await domListeners(cdp);

    await page.evaluate(makeLayers);
    await page.evaluate(() => (window as any).map.setZoom(14, { animate: false }));
    const added = await page.evaluate(mapSnapshot);
    // The layers did attach something, so the checks below look at real listeners.
    expect(added.handlers.zoomend ?? 0).toBeGreaterThan(before.handlers.zoomend ?? 0);
    expect(added.handlers.moveend ?? 0).toBeGreaterThan(before.handlers.moveend ?? 0);
    expect(added.subscribers).toEqual({ routes: 1, stops: 1, clusters: 1, vehicles: 1, depots: 1 });
    // Three stops, one cluster of two, one vehicle.
    expect(added.markers).toBe(5);
    expect(await domListeners(cdp)).not.toEqual(domBefore);
    // The base map drew its roads on a renderer of its own.
    await expect.poll(async () => (await page.evaluate(mapSnapshot)).canvases).toBe(before.canvases + 1);

    await page.evaluate(() => {
      for (const layer of (window as any).made) layer.remove();
    });
    const removed = await page.evaluate(mapSnapshot);
    expect(removed.handlers).toEqual(before.handlers);
    expect(removed.layers).toBe(before.layers);
    expect(removed.markers).toBe(0);
    expect(removed.tooltips).toBe(0);
    expect(removed.canvases).toBe(before.canvases);
    expect(removed.subscribers).toEqual({ routes: 0, stops: 0, clusters: 0, vehicles: 0, depots: 0 });
    expect(await domListeners(cdp)).toEqual(domBefore);

    // Moving the map and changing the data reach no removed layer.
    const requestsBefore = roadRequests;
    await page.evaluate(() => {
      const w = window as any;
      w.map.panBy([300, 200], { animate: false });
      w.map.setZoom(15, { animate: false });
      w.feeds.vehicles.change([{ vehicleId: 2, location: [8.7, 49.42], name: 'Van 2', color: '#d62728' }]);
    });
    await page.waitForTimeout(300);
    expect(roadRequests).toBe(requestsBefore);
    expect((await page.evaluate(mapSnapshot)).markers).toBe(0);

    // Added again: one handler per event as the first time, and one read of the feed per change.
    await page.evaluate(() => {
      for (const layer of (window as any).made) layer.addTo((window as any).map);
    });
    const again = await page.evaluate(mapSnapshot);
    expect(again.handlers).toEqual(added.handlers);
    expect(again.subscribers).toEqual(added.subscribers);
    const reads = await page.evaluate(() => {
      const { feeds } = window as any;
      feeds.vehicles.reads = 0;
      feeds.vehicles.change([{ vehicleId: 3, location: [8.7, 49.42], name: 'Van 3', color: '#2ca02c' }]);
      return feeds.vehicles.reads;
    });
    expect(reads).toBe(1);
    await expect(page.locator('.leaflet-marker-icon[data-vehicle-id]').count()).resolves.toBe(1);

    await page.evaluate(() => {
      for (const layer of (window as any).made) layer.remove();
    });
    expect((await page.evaluate(mapSnapshot)).handlers).toEqual(before.handlers);
    expect(await domListeners(cdp)).toEqual(domBefore);
    expect(problems).toEqual([]);
  }, 60_000);

  it('updates by id: a known marker moves in place, a new one is added, a missing one removed', async () => {
    await freshPage();
    const marker = (id: number) => page.locator(`.leaflet-marker-icon[data-vehicle-id="${id}"]`);
    await page.evaluate(() => {
      const w = window as any;
      w.vehicles = new w.layers.VehiclesLayer().addTo(w.map);
      w.vehicles.set([
        { vehicleId: 1, location: [8.69, 49.41], name: 'Van 1', color: '#1f77b4' },
        { vehicleId: 2, location: [8.7, 49.41], name: 'Van 2', color: '#d62728' },
      ]);
      document.querySelector('.leaflet-marker-icon[data-vehicle-id="1"]')!.setAttribute('data-seen', 'before');
    });
    const firstPlace = await marker(1).evaluate((element) => (element as HTMLElement).style.transform);
    await page.evaluate(() =>
      (window as any).vehicles.set([
        { vehicleId: 1, location: [8.695, 49.412], name: 'Van 1', color: '#1f77b4' },
        { vehicleId: 3, location: [8.68, 49.4], name: 'Van 3', color: '#2ca02c' },
      ]),
    );
    // The same element, moved: not drawn again.
    await expect(marker(1).getAttribute('data-seen')).resolves.toBe('before');
    await expect(marker(1).evaluate((element) => (element as HTMLElement).style.transform)).resolves.not.toBe(firstPlace);
    await expect(marker(2).count()).resolves.toBe(0);
    await expect(marker(3).getAttribute('title')).resolves.toBe('Van 3');
    await expect(marker(3).textContent()).resolves.toBe('V3');

    // Removed and added again, the markers are made anew and still carry their vehicle.
    await page.evaluate(() => (window as any).vehicles.remove());
    await expect(page.locator('.leaflet-marker-icon').count()).resolves.toBe(0);
    await page.evaluate(() => (window as any).vehicles.addTo((window as any).map));
    await expect(marker(1).count()).resolves.toBe(1);
    await expect(marker(3).count()).resolves.toBe(1);

    // A route line and a stop keep their shape objects when they change.
    const kept = await page.evaluate(() => {
      const w = window as any;
      const routes = new w.layers.RoutesLayer().addTo(w.map);
      const stops = new w.layers.StopsLayer().addTo(w.map);
      routes.set([{ vehicleId: 1, coordinates: [[8.69, 49.41], [8.7, 49.42]], color: '#1f77b4' }]);
      stops.set([{ orderId: 7, location: [8.7, 49.42], label: '1', color: '#1f77b4', title: 'Van 1 stop 1', tooltip: 'O-7' }]);
      const [line, stop] = [routes.shapeOf(1), stops.shapeOf(7)];
      routes.set([{ vehicleId: 1, coordinates: [[8.69, 49.41], [8.7, 49.42], [8.71, 49.42]], color: '#d62728' }]);
      stops.set([{ orderId: 7, location: [8.71, 49.42], label: '2', color: '#d62728', title: 'Van 2 stop 2', tooltip: 'O-7 later' }]);
      const icon = stops.shapeOf(7).getElement();
      return {
        sameLine: routes.shapeOf(1) === line,
        points: line.getLatLngs().length,
        lineColor: line.options.color,
        sameStop: stops.shapeOf(7) === stop,
        label: icon.textContent,
        title: icon.getAttribute('title'),
        tooltip: stop.getTooltip().getContent(),
      };
    });
    expect(kept).toEqual({ sameLine: true, points: 3, lineColor: '#d62728', sameStop: true, label: '2', title: 'Van 2 stop 2', tooltip: 'O-7 later' });
    expect(problems).toEqual([]);
  }, 60_000);
});
