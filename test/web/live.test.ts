/**
 * A day under way, in a real browser against the real service: a depot whose clock reads mid-morning
 * (a fixed-offset time zone, so the test runs at any hour), one van dispatched on today's orders.
 * The office inserts an order and the driver's page shows the new stop without a reload; a customer's
 * tracking page shows no driver while the van is far, then the van and the stops before theirs once it
 * is close, updated live.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, toIsoInZone } from '../../src/domain/time';
import type { DriverDay } from '../../src/protocol/driver-route';
import { stopTimeLine } from '../../web/common/format';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';
import { suiteClock } from '../helpers/clock';

const phone = { width: 360, height: 740 };
const withinMs = 2000;

/** The Etc/GMT zone whose clock reads about 10:00 now (Etc/GMT+N is N hours behind UTC). */
function midMorningZone(): string {
  let hoursBehind = new Date(suiteClock.nowMs()).getUTCHours() - 10;
  if (hoursBehind > 12) hoursBehind -= 24;
  if (hoursBehind < -14) hoursBehind += 24;
  return hoursBehind === 0 ? 'Etc/GMT' : `Etc/GMT${hoursBehind > 0 ? '+' : '-'}${Math.abs(hoursBehind)}`;
}

describe('a day under way: live route changes and the driver coming close', () => {
  let service: RunningService;
  let browser: Browser;
  const problems: string[] = [];
  const timeZone = midMorningZone();
  // The service runs on the suite's clock (TEST_CLOCK): "now" is its now.
  const nowEpoch = () => suiteClock.nowMs() / 1000;
  const depotLocation: [number, number] = [8.6724, 49.4093];
  let depotId: number;
  let planId: number;
  let driverToken: string;
  let driverPage: Page;

  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    return page;
  };
  /** A ready order for today, open from now for five hours, ten minutes at the door. */
  const readyOrder = async (ref: string, location: [number, number]) => {
    const window = { start: toIsoInZone(Math.floor(nowEpoch() / 60) * 60 - 300, timeZone), end: toIsoInZone(Math.floor(nowEpoch()) + 5 * 3600, timeZone) };
    const order = await service.api('POST', '/api/v1/orders', {
      externalRef: ref,
      customerName: `Customer ${ref}`,
      addressText: `${ref}, Heidelberg`,
      location,
      timeWindows: [window],
      serviceSeconds: 600,
      depotId,
    });
    await service.api('POST', `/api/v1/orders/${order.id}/transitions`, { status: 'ready' });
    return order as { id: number; trackingLink: string };
  };
  const asDriver = async (method: string, path: string, body: unknown) => {
    const response = await fetch(service.url + path, { method, headers: { authorization: `Bearer ${driverToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  let fixes = 0;
  /** The van's device reports where it is: south of every stop (no geofence arrival), a little further east each time. */
  const report = () => asDriver('POST', '/api/v1/positions', { positions: [{ location: [8.66 + ++fixes * 0.0002, 49.405], accuracyMeters: 10, recordedAt: nowEpoch() }] });
  const routeStops = async () => (await service.api('GET', `/api/v1/plans/${planId}`)).routes[0].stops as { id: number; orderId: number; status: string; liveEta: string | null }[];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService(), launchBrowser()]);
    depotId = (await service.api('POST', '/api/v1/depots', { name: 'Live depot', location: depotLocation, address: 'Bergheimer Straße 120, Heidelberg', timeZone })).id;
    const vehicle = await service.api('POST', '/api/v1/vehicles', { name: 'Live van', startDepotId: depotId, capacity: { weightKg: 800, volumeL: 6000, items: 50 }, shift: { start: '06:00', end: '22:00' } });
    await service.api('POST', '/api/v1/drivers', { name: 'Live driver', username: 'live-driver', password: 'live-password', vehicleId: vehicle.id });
    driverToken = (await (await fetch(`${service.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'live-driver', password: 'live-password' }) })).json()).token;
    for (let k = 0; k < 6; k++) await readyOrder(`live-${k}`, [8.676 + 0.004 * k, 49.4105 + 0.002 * Math.sin(k)]);
    const plan = await service.api('POST', '/api/v1/plans', { date: localDate(timeZone, nowEpoch()), depotId, timeLimitSeconds: 1 });
    planId = plan.id;
    for (let waitedMs = 0; (await service.api('GET', `/api/v1/plans/${planId}`)).status !== 'succeeded'; waitedMs += 300) {
      if (waitedMs > 60_000) throw new Error(`plan ${planId} did not succeed`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await service.api('POST', `/api/v1/plans/${planId}/dispatch`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it("shows an order the office inserts on the driver's page within 2 s, without a reload", async () => {
    driverPage = watch(await browser.newPage(phone));
    await driverPage.goto(`${service.url}/driver`);
    await driverPage.getByLabel('Username').fill('live-driver');
    await driverPage.getByLabel('Password').fill('live-password');
    await driverPage.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => driverPage.locator('#stops li').count()).toBe(6);
    await screenshot(driverPage, 'live-driver-before');

    const ref = `inserted-${randomUUID().slice(0, 8)}`;
    const order = await readyOrder(ref, [8.69, 49.409]);
    const sentAt = Date.now();
    const inserted = await service.api('POST', `/api/v1/plans/${planId}/insertions`, { orderId: order.id });
    expect(inserted.inserted).toBe(true);
    await driverPage.locator('#stops li', { hasText: `Customer ${ref}` }).waitFor({ timeout: withinMs + 3000 });
    const shownMs = Date.now() - sentAt;
    expect(await driverPage.locator('#stops li').count()).toBe(7);
    expect(shownMs, `inserted stop shown after ${shownMs} ms`).toBeLessThanOrEqual(withinMs);
    await screenshot(driverPage, 'live-driver-inserted');
    console.log(`inserted stop on the driver's page ${shownMs} ms after the insertion request was sent (limit ${withinMs})`);
  }, 60_000);

  it('shows the customer no driver while the van is far, then the van and the stops before theirs once it is close, live', async () => {
    const stops = await routeStops();
    const mine = stops[4]!;
    const token = ((await service.api('POST', `/api/v1/orders/${mine.orderId}/tracking/link`)).path as string).slice('/t/'.length);
    const customer = watch(await browser.newPage(phone));
    const driverMarker = customer.locator('.leaflet-marker-icon[title="Your driver"]');

    // Far: four stops before, the van on the road with a fresh fix, its ETA more than 20 minutes off.
    await report();
    // The ETA the customer is shown is the live one, worked out from that fix.
    await expect.poll(async () => (await routeStops()).find((stop) => stop.id === mine.id)!.liveEta, { timeout: 10_000 }).not.toBeNull();
    await customer.goto(`${service.url}/t/${token}`);
    await customer.locator('#status', { hasText: 'dispatched' }).waitFor();
    const far = await (await fetch(`${service.url}/api/v1/track/${token}`)).json();
    expect(far).toMatchObject({ close: false, stopsBefore: null, driverLocation: null });
    await expect(customer.locator('#map-card').isHidden()).resolves.toBe(true);
    await expect(customer.locator('#close-line').isHidden()).resolves.toBe(true);
    await expect(driverMarker.count()).resolves.toBe(0);
    await screenshot(customer, 'live-track-far');

    const deliver = async (stop: { id: number }) => {
      await asDriver('POST', `/api/v1/stops/${stop.id}/arrive`, { idempotencyKey: randomUUID() });
      await asDriver('POST', `/api/v1/stops/${stop.id}/complete`, { idempotencyKey: randomUUID(), recipientName: 'Neighbour' });
    };
    // One delivery later the van is close (three stops before, well within two hours); the page hears it from the van's moves.
    await deliver(stops[0]!);
    const closeSince = Date.now();
    const driving = setInterval(() => void report().catch((error: unknown) => problems.push(String(error))), 1000);
    try {
      await driverMarker.waitFor({ state: 'visible', timeout: 20_000 });
      const closeShownMs = Date.now() - closeSince;
      await expect(customer.locator('#stops-before').textContent()).resolves.toBe('3');
      await expect(customer.locator('#close-line').isVisible()).resolves.toBe(true);
      await screenshot(customer, 'live-track-close');

      // Live: the marker follows the van, and the next delivery leaves two stops before.
      const before = await driverMarker.evaluate((element) => (element as HTMLElement).style.transform);
      await expect.poll(() => driverMarker.evaluate((element) => (element as HTMLElement).style.transform), { timeout: 20_000 }).not.toBe(before);
      await deliver(stops[1]!);
      const nextSince = Date.now();
      await customer.locator('#stops-before', { hasText: /^2$/ }).waitFor({ timeout: 20_000 });
      await expect(driverMarker.count()).resolves.toBe(1);
      console.log(`tracking page: van shown ${closeShownMs} ms after it came close, stops before updated ${Date.now() - nextSince} ms after the next delivery (positions every 1 s; customers get the van's moves every 10 s)`);
    } finally {
      clearInterval(driving);
    }
    await screenshot(customer, 'live-track-two-before');
    expect(problems).toEqual([]);
  }, 90_000);

  it("shows on the driver's page the times the API gives: actual for the delivered stops, expected service start for the rest", async () => {
    const day = (await (await fetch(`${service.url}/api/v1/driver/route`, { headers: { authorization: `Bearer ${driverToken}` } })).json()) as DriverDay;
    const stops = day.route!.stops;
    expect(stops.filter((stop) => stop.times.basis === 'actual').length).toBe(2);
    // The page heard the deliveries over the socket; what it shows equals the API's times, line for line.
    for (const stop of stops) {
      await expect.poll(() => driverPage.locator(`#stops li[data-stop-id="${stop.stopId}"] .times`).textContent(), { timeout: 10_000 }).toBe(stopTimeLine(stop.times, stop.status));
    }
    const delivered = stops.find((stop) => stop.times.basis === 'actual')!;
    expect(stopTimeLine(delivered.times, delivered.status)).toMatch(/· delivered \d\d:\d\d$/);
    expect(stopTimeLine(delivered.times, delivered.status)).not.toContain('ETA');
    await screenshot(driverPage, 'live-driver-times');
  }, 30_000);
});
