/**
 * A whole dispatch day in a real browser against the whole service (src/service.ts in-process, PGlite, the Heidelberg
 * road network and address index) on a clock the test moves: 07:00 in Heidelberg, then sped up while the simulator's
 * vans drive, stopped while the dispatcher looks. The console imports a CSV whose address-only rows are geocoded,
 * moves the orders to ready, plans and dispatches; the vans drive until 12:30; two urgent orders are inserted
 * live, a delivery fails and is re-attempted today from the drawer; "Plan again" is pressed and accepted; the vans
 * finish the day. No completed stop moves (id, sequence, times); every time shown on the console, the driver app and
 * a customer's tracking page is the API's; the open alerts are listed again after a reload.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { LonLat } from '../../src/domain/model/geometry';
import { localDate, localMidnightEpochSeconds, toIsoInZone } from '../../src/domain/time';
import type { StopTimesView } from '../../src/protocol/stop-times';
import { seededRandom } from '../../src/seed/random';
import { startLastmile, type Lastmile } from '../../src/service';
import { runSimulation } from '../../src/simulator';
import { stopTimeLine } from '../../web/common/format';
import { TestClock, suiteClock } from '../helpers/clock';
import { launchBrowser, screenshot, type Browser } from './browser';
import { keepCaches, prepareDataDir } from './server';

interface Stop { id: number; orderId: number; sequence: number; status: string; actualArrival: string | null; completedAt: string | null; times: StopTimesView }
interface Route { id: number; vehicleId: number; stops: Stop[] }
interface Plan { id: number; status: string; version: number; routes: Route[] }

const timeZone = 'Europe/Berlin';
const date = localDate(timeZone, suiteClock.nowMs() / 1000);
const midnight = localMidnightEpochSeconds(date, timeZone);
const at = (hours: number) => (midnight + hours * 3600) * 1000;
const vanNames = ['Van A', 'Van B', 'Van C'];
const drivers = vanNames.map((_, k) => ({ username: `day-driver-${k + 1}`, password: `day-password-${k + 1}` }));
// Streets of the extract; rows without coordinates are geocoded from street, number and city.
const streets = ['Bergheimer Straße', 'Zähringerstraße', 'Eckenerstraße', 'Hugo-Stotz-Straße', 'Kurfürsten-Anlage', 'Rohrbacher Straße'];
const locations = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((row) => row.location);

describe('a whole dispatch day', () => {
  const clock = new TestClock(at(7));
  let dataDir: string;
  let service: Lastmile;
  let url: string;
  let adminToken: string;
  let browser: Browser;
  let consolePage: Page;
  let depotId: number;
  let planId: number;
  const problems: string[] = [];

  const api = async <T = any>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const plan = () => api<Plan>('GET', `/api/v1/plans/${planId}`);
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    return page;
  };
  /** The browser reads the same time as the service. */
  const pinPages = async () => {
    for (const page of browser.context.pages()) await page.clock.setFixedTime(clock.nowMs());
  };
  /**
   * The vans drive, `speed` times as fast as real time, until the clock reads `untilMs` or each has finished its
   * route; then the clock stops. Each request's real time passes sped up too, so the faster, the more the vans lag.
   */
  const drive = async (untilMs: number, speed: number) => {
    const stop = new AbortController();
    clock.run(speed);
    const driving = runSimulation({
      drivers,
      options: { url, clock, speedup: speed, noiseMeters: 4, failureRate: 0, dwellSeconds: 120, reportEverySeconds: 5, random: seededRandom(3), signal: stop.signal },
    });
    const timer = setInterval(() => {
      if (clock.nowMs() >= untilMs) stop.abort();
    }, 50);
    try {
      await driving;
    } finally {
      clearInterval(timer);
      clock.freeze();
    }
    await pinPages();
  };
  const login = async (page: Page, username: string, password: string) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  const doneStops = (current: Plan) =>
    current.routes.flatMap((route) => route.stops.filter((stop) => stop.status === 'completed' || stop.status === 'failed').map((stop) => ({ vehicleId: route.vehicleId, id: stop.id, orderId: stop.orderId, sequence: stop.sequence, status: stop.status, actualArrival: stop.actualArrival, completedAt: stop.completedAt })));
  /** Every stop's time line in the console's routes is the one the API's times make. */
  const consoleShowsApiTimes = async () => {
    const current = await plan();
    for (const route of current.routes) {
      for (const stop of route.stops) {
        await expect.poll(() => consolePage.locator(`li[data-stop-id="${stop.id}"] .times`).textContent(), { timeout: 10_000 }).toBe(stopTimeLine(stop.times, stop.status));
      }
    }
    return current;
  };

  beforeAll(async () => {
    dataDir = await prepareDataDir();
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SOLVER_THREADS: '1', SEED_DEMO: 'false', ADMIN_TOKEN: 'day-admin-token-0123456789' });
    [service, browser] = await Promise.all([startLastmile(config, { clock }), launchBrowser()]);
    keepCaches(dataDir);
    url = service.url.replace('localhost', '127.0.0.1');
    adminToken = 'day-admin-token-0123456789';
    depotId = (await api('POST', '/api/v1/depots', { name: 'Bergheim', location: [8.6724, 49.4093], address: 'Bergheimer Straße 120, 69115 Heidelberg', timeZone })).id;
    for (const [k, name] of vanNames.entries()) {
      const vehicle = await api('POST', '/api/v1/vehicles', { name, startDepotId: depotId, endDepotId: depotId, skills: [], capacity: { weightKg: 800, volumeL: 6000, items: 60 }, shift: { start: '07:00', end: '19:00' } });
      await api('POST', '/api/v1/drivers', { name: `Driver ${k + 1}`, ...drivers[k]!, vehicleId: vehicle.id });
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports, plans, dispatches, drives, inserts, fails and re-attempts, plans again and finishes the day', async () => {
    consolePage = watch(await browser.newPage({ width: 1400, height: 900 }));
    await pinPages();
    await consolePage.goto(`${url}/dispatch`);
    await login(consolePage, 'admin', service.credentials!.admin.password);
    await consolePage.locator('#date').fill(date);
    await consolePage.locator('#date').dispatchEvent('change');

    // The CSV: rows with coordinates and rows with only an address.
    const random = seededRandom(5);
    const rows = ['external_ref,customer_name,street,house_number,postcode,city,lon,lat,window_start,window_end'];
    for (let k = 0; k < 24; k++) {
      const [start, end] = k % 2 === 0 ? ['08:00', '12:00'] : ['12:00', '17:00'];
      if (k < 6) rows.push(`day-${k},Customer ${k},${streets[k]},${2 + k},,Heidelberg,,,${date} ${start},${date} ${end}`);
      else {
        const [lon, lat] = locations[Math.floor(random() * locations.length)]!;
        rows.push(`day-${k},Customer ${k},Somewhere,${k},,Heidelberg,${lon},${lat},${date} ${start},${date} ${end}`);
      }
    }
    await consolePage.getByRole('button', { name: 'Import CSV / GeoJSON' }).click();
    await consolePage.locator('#import-file').setInputFiles({ name: 'day.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await consolePage.locator('#import-source').fill('day-csv');
    await consolePage.locator('#import-form').getByRole('button', { name: 'Upload' }).click();
    await consolePage.locator('#import-counts').waitFor();
    expect(await consolePage.locator('#import-counts').textContent()).toContain('24 created');
    const imported = (await api<{ items: { externalRef: string; location: LonLat; geocoding?: unknown }[] }>('GET', `/api/v1/orders?date=${date}&limit=100`)).items;
    expect(imported).toHaveLength(24);
    await consolePage.locator('#orders tr').nth(23).waitFor();
    await consolePage.getByRole('button', { name: 'Shown → ready' }).click();
    await expect.poll(async () => (await api<{ items: unknown[] }>('GET', `/api/v1/orders?date=${date}&status=ready&limit=100`)).items.length, { timeout: 10_000 }).toBe(24);

    await consolePage.getByLabel('Search seconds').fill('2');
    await consolePage.getByRole('button', { name: 'Plan', exact: true }).click();
    await consolePage.locator('#plan-status', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    planId = (await api<{ items: { id: number }[] }>('GET', `/api/v1/plans?depotId=${depotId}&date=${date}`)).items[0]!.id;
    consolePage.on('dialog', (dialog) => void dialog.accept());
    await consolePage.getByRole('button', { name: 'Dispatch' }).click();
    await consolePage.locator('#plan-status', { hasText: 'dispatched' }).waitFor();
    await consolePage.getByRole('tab', { name: 'Routes' }).click();
    const dispatched = await consoleShowsApiTimes();
    expect(dispatched.routes.reduce((sum, route) => sum + route.stops.length, 0)).toBe(24);
    await screenshot(consolePage, 'day-dispatched');

    // Half the day.
    await drive(at(12.5), 1200);
    const midday = await plan();
    const done = doneStops(midday);
    expect(done.length).toBeGreaterThan(4);
    expect(done.length).toBeLessThan(24);

    // Two urgent orders, inserted into the live routes.
    const now = clock.nowMs() / 1000;
    for (const [k, location] of ([[8.6905, 49.4075], [8.6601, 49.4035]] as LonLat[]).entries()) {
      const order = await api('POST', '/api/v1/orders', { externalRef: `urgent-${k}`, customerName: `Urgent ${k}`, addressText: `Urgent ${k}, Heidelberg`, location, priority: 90, timeWindows: [{ start: toIsoInZone(now, timeZone), end: toIsoInZone(now + 3 * 3600, timeZone) }], depotId });
      await api('POST', `/api/v1/orders/${order.id}/transitions`, { status: 'ready' });
      const insertion = await api('POST', `/api/v1/plans/${planId}/insertions`, { orderId: order.id });
      expect(insertion, JSON.stringify(insertion)).toMatchObject({ inserted: true });
    }

    // A delivery fails (not home); the policy re-attempts it on the next working day, and the dispatcher moves the
    // re-attempt to that day's late afternoon (a stop of this plan is the order's failed attempt: today holds no second one).
    const [driverRoute] = (await plan()).routes.filter((route) => route.stops.some((stop) => stop.status === 'pending'));
    const failing = driverRoute!.stops.find((stop) => stop.status === 'pending')!;
    const driverIndex = (await api<{ items: { id: number; vehicleId: number | null; username: string }[] }>('GET', '/api/v1/drivers')).items.find((driver) => driver.vehicleId === driverRoute!.vehicleId)!.username;
    const driver = drivers.find((candidate) => candidate.username === driverIndex)!;
    const driverToken = (await api<{ token: string }>('POST', '/api/v1/auth/login', driver)).token;
    await api('POST', `/api/v1/stops/${failing.id}/arrive`, { idempotencyKey: randomUUID() }, driverToken);
    await api('POST', `/api/v1/stops/${failing.id}/fail`, { idempotencyKey: randomUUID(), reason: 'not_home', note: 'nobody in' }, driverToken);
    const failedOrder = await api('GET', `/api/v1/orders/${failing.orderId}`);
    await consolePage.locator('#alerts li', { hasText: `Failed delivery ${failedOrder.displayId}` }).waitFor({ state: 'attached', timeout: 10_000 });
    await consolePage.getByRole('tab', { name: 'Orders' }).click();
    await consolePage.locator('#filter-all-days').check();
    await consolePage.locator('#filter-text').fill(failedOrder.externalRef);
    await consolePage.locator(`#orders tr[data-order-id="${failing.orderId}"]`).click();
    await consolePage.locator('#drawer-status', { hasText: 'rescheduled' }).waitFor();
    await consolePage.locator('#drawer-body [data-action="reschedule"]').click();
    const form = consolePage.locator('#drawer-body form[aria-label="Reschedule order"]');
    const reattemptDay = (await api('GET', `/api/v1/orders/${failing.orderId}`)).timeWindows[0].start.slice(0, 10) as string;
    expect(reattemptDay > date).toBe(true);
    await form.getByLabel('Date').fill(reattemptDay);
    await form.getByLabel('From').fill('15:00');
    await form.getByLabel('To').fill('18:00');
    await form.getByRole('button', { name: 'Reschedule' }).click();
    await consolePage.locator('#drawer-body form').waitFor({ state: 'detached' });
    const retried = await api('GET', `/api/v1/orders/${failing.orderId}`);
    expect(retried).toMatchObject({ status: 'rescheduled' });
    expect(retried.timeWindows[0].start.slice(0, 16)).toBe(`${reattemptDay}T15:00`);
    await consolePage.locator('#drawer-close').click();
    await consolePage.locator('#filter-all-days').uncheck();
    await consolePage.locator('#filter-text').fill('');

    // Plan again, mid-day: the proposal, then Accept.
    const doneBefore = doneStops(await plan());
    await consolePage.getByRole('tab', { name: 'Routes' }).click();
    await consolePage.getByRole('button', { name: 'Plan again', exact: true }).click();
    await consolePage.locator('#replan:not(.hidden)').waitFor({ timeout: 60_000 });
    await screenshot(consolePage, 'day-replan-proposal');
    await consolePage.getByRole('button', { name: 'Accept' }).click();
    await consolePage.locator('#replan').waitFor({ state: 'hidden', timeout: 30_000 });
    const replanned = await plan();
    expect(doneStops(replanned)).toEqual(doneBefore);
    const planned = replanned.routes.flatMap((route) => route.stops.filter((stop) => stop.status === 'pending').map((stop) => stop.orderId));
    expect(planned).not.toContain(failing.orderId);
    expect(planned.length).toBeGreaterThan(0);

    // Every time shown is the API's: the console, a driver's app, a customer's page.
    await consoleShowsApiTimes();
    const driverPage = watch(await browser.newPage({ width: 360, height: 740 }));
    await pinPages();
    await driverPage.goto(`${url}/driver`);
    await login(driverPage, driver.username, driver.password);
    const ownRoute = replanned.routes.find((route) => route.vehicleId === driverRoute!.vehicleId)!;
    for (const stop of ownRoute.stops) {
      await expect.poll(() => driverPage.locator(`#stops [data-stop-id="${stop.id}"] .times`).textContent(), { timeout: 10_000 }).toBe(stopTimeLine(stop.times, stop.status));
    }
    const waiting = ownRoute.stops.find((stop) => stop.status === 'pending' && stop.orderId !== failing.orderId)!;
    const link = (await api<{ path: string }>('POST', `/api/v1/orders/${waiting.orderId}/tracking/link`)).path;
    const customerPage = watch(await browser.newPage({ width: 360, height: 740 }));
    await pinPages();
    await customerPage.goto(`${url}${link}`);
    await expect.poll(() => customerPage.locator('#times').textContent(), { timeout: 10_000 }).toBe(stopTimeLine((await plan()).routes.flatMap((route) => route.stops).find((stop) => stop.id === waiting.id)!.times, 'dispatched'));
    await screenshot(driverPage, 'day-driver');
    await screenshot(customerPage, 'day-tracking');

    // The open alerts are stored: a reload lists them again.
    const openAlerts = async () => (await api<{ items: { id: number }[] }>('GET', `/api/v1/alerts?depotId=${depotId}&status=open`)).items.map((alert) => alert.id).sort((a, b) => a - b);
    const listed = () => consolePage.locator('#alerts li').evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-alert-id'))).sort((a, b) => a - b));
    const open = await openAlerts();
    expect(open.length).toBeGreaterThan(0);
    await expect.poll(listed).toEqual(open);
    await consolePage.reload();
    await consolePage.locator('#plan-status', { hasText: 'dispatched' }).waitFor({ timeout: 20_000 });
    await expect.poll(listed, { timeout: 10_000 }).toEqual(await openAlerts());

    // The rest of the day, before the dispatcher's 12-hour session ends at 19:00.
    await drive(at(18.9), 600);
    const evening = await plan();
    const left = evening.routes.flatMap((route) => route.stops.filter((stop) => stop.status !== 'completed' && stop.status !== 'failed'));
    expect(left).toEqual([]);
    const doneAfter = doneStops(evening);
    for (const stop of doneBefore) expect(doneAfter).toContainEqual(stop);
    expect(doneAfter.filter((stop) => stop.orderId === failing.orderId)).toEqual([expect.objectContaining({ id: failing.id, status: 'failed' })]);
    await consolePage.getByRole('tab', { name: 'Routes' }).click();
    await consoleShowsApiTimes();
    await screenshot(consolePage, 'day-finished');
    expect(problems).toEqual([]);
  }, 240_000);
});
