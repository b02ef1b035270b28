/**
 * "Plan again" from the console on a day under way, in a real browser against the real service: a depot whose
 * clock reads mid-morning (a fixed-offset time zone, so the test runs at any hour), one van dispatched on the
 * day's orders with two delivered, an idle van with a driver, and a new order that only the idle van can carry.
 * The Plan button reads "Plan again", shows the change per van, and Accept updates the routes; the delivered stops
 * stay where they were. A van with no route then takes a stop: dragged onto its card it is previewed, and by the
 * Move form it is previewed and confirmed.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, toIsoInZone } from '../../src/domain/time';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';
import { suiteClock } from '../helpers/clock';

interface Stop { id: number; orderId: number; status: string; plannedArrival: string }
interface Route { id: number; vehicleId: number; stops: Stop[] }

/** The Etc/GMT zone whose clock reads about 10:00 now (Etc/GMT+N is N hours behind UTC). */
function midMorningZone(): string {
  let hoursBehind = new Date(suiteClock.nowMs()).getUTCHours() - 10;
  if (hoursBehind > 12) hoursBehind -= 24;
  if (hoursBehind < -14) hoursBehind += 24;
  return hoursBehind === 0 ? 'Etc/GMT' : `Etc/GMT${hoursBehind > 0 ? '+' : '-'}${Math.abs(hoursBehind)}`;
}

describe('planning a day under way again from the console', () => {
  let service: RunningService;
  let browser: Browser;
  const problems: string[] = [];
  const timeZone = midMorningZone();
  // The service runs on the suite's clock (TEST_CLOCK): "now" is its now.
  const nowEpoch = () => suiteClock.nowMs() / 1000;
  let depotId: number;
  let planId: number;
  let busyVan: number;
  let idleVan: number;
  let spareVan: number;
  let newOrderId: number;
  let delivered: Stop[];

  const readyOrder = async (ref: string, location: [number, number], requiredSkills: string[] = []) => {
    const window = { start: toIsoInZone(Math.floor(nowEpoch() / 60) * 60 - 300, timeZone), end: toIsoInZone(Math.floor(nowEpoch()) + 6 * 3600, timeZone) };
    const order = await service.api('POST', '/api/v1/orders', { externalRef: ref, customerName: `Customer ${ref}`, addressText: `${ref}, Heidelberg`, location, timeWindows: [window], serviceSeconds: 300, requiredSkills, depotId });
    await service.api('POST', `/api/v1/orders/${order.id}/transitions`, { status: 'ready' });
    return order.id as number;
  };
  const login = async (username: string, password: string) =>
    (await (await fetch(`${service.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })).json()).token as string;
  const plan = async () => (await service.api('GET', `/api/v1/plans/${planId}`)) as { version: number; routes: Route[] };

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService(), launchBrowser()]);
    depotId = (await service.api('POST', '/api/v1/depots', { name: 'Replan depot', location: [8.6724, 49.4093], address: 'Bergheimer Straße 120, Heidelberg', timeZone })).id;
    const van = (name: string, skills: string[]) => service.api('POST', '/api/v1/vehicles', { name, startDepotId: depotId, skills, capacity: { weightKg: 800, volumeL: 6000, items: 50 }, shift: { start: '06:00', end: '22:00' } });
    busyVan = (await van('Busy van', [])).id;
    idleVan = (await van('Fridge van', ['fridge'])).id;
    // No driver: left out of planning again, but the dispatcher can still drag a stop onto it.
    spareVan = (await van('Spare van', [])).id;
    await service.api('POST', '/api/v1/drivers', { name: 'Busy driver', username: 'busy-driver', password: 'busy-password', vehicleId: busyVan });
    await service.api('POST', '/api/v1/drivers', { name: 'Fridge driver', username: 'fridge-driver', password: 'fridge-password', vehicleId: idleVan });
    for (let k = 0; k < 5; k++) await readyOrder(`day-${k}`, [8.676 + 0.004 * k, 49.4105 + 0.002 * Math.sin(k)]);
    planId = (await service.api('POST', '/api/v1/plans', { date: localDate(timeZone, nowEpoch()), depotId, vehicleIds: [busyVan], timeLimitSeconds: 1 })).id;
    for (let waitedMs = 0; (await service.api('GET', `/api/v1/plans/${planId}`)).status !== 'succeeded'; waitedMs += 300) {
      if (waitedMs > 60_000) throw new Error(`plan ${planId} did not succeed`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await service.api('POST', `/api/v1/plans/${planId}/dispatch`);

    // The busy van delivers its first two stops; then an order arrives that needs the fridge van.
    const driverToken = await login('busy-driver', 'busy-password');
    const asDriver = async (path: string, body: unknown) => {
      const response = await fetch(service.url + path, { method: 'POST', headers: { authorization: `Bearer ${driverToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    };
    for (const stop of (await plan()).routes[0]!.stops.slice(0, 2)) {
      await asDriver(`/api/v1/stops/${stop.id}/arrive`, { idempotencyKey: randomUUID() });
      await asDriver(`/api/v1/stops/${stop.id}/complete`, { idempotencyKey: randomUUID(), recipientName: 'Neighbour' });
    }
    delivered = (await plan()).routes[0]!.stops.slice(0, 2);
    expect(delivered.map((stop) => stop.status)).toEqual(['completed', 'completed']);
    newOrderId = await readyOrder('chilled', [8.69, 49.405], ['fridge']);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('Plan again shows the change per van, and Accept updates the routes without moving a delivered stop', async () => {
    const page: Page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${service.url}/dispatch`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(service.credentials.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // The console opens on the demo's first day; then this depot and today are chosen.
    await page.locator('#orders tr').first().waitFor();
    // Choosing the depot reads its day on the demo's date; that answer is held back until after today's, as a slow
    // network may deliver it: the console must keep showing the day chosen last.
    const today = localDate(timeZone, nowEpoch());
    await page.route(/\/api\/v1\/(plans|orders)\?/, async (route) => {
      const query = new URL(route.request().url()).searchParams;
      if (query.get('depotId') === String(depotId) && query.get('date') !== today) await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue();
    });
    await page.locator('#depot').selectOption(String(depotId));
    await page.locator('#date').fill(today);
    await page.locator('#date').dispatchEvent('change');
    await page.locator('#plan-status', { hasText: 'dispatched' }).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(3_000);
    expect(await page.locator('#plan-status').textContent()).toContain('dispatched');
    await page.unrouteAll();
    // The idle van is offered as a drop target before anything is planned again.
    await page.getByRole('tab', { name: 'Routes' }).click();
    await page.locator(`[data-route-vehicle="${idleVan}"]`, { hasText: 'no route' }).waitFor();

    const planAgain = page.getByRole('button', { name: 'Plan again', exact: true });
    await planAgain.waitFor();
    const before = await plan();
    await planAgain.click();
    const idleChange = page.locator(`#replan li[data-vehicle-id="${idleVan}"]`);
    await idleChange.waitFor({ timeout: 30_000 });
    await expect(idleChange.textContent()).resolves.toMatch(/Fridge van \(new route\).*1 new/);
    await expect(page.locator('#replan .totals').textContent()).resolves.toMatch(/unassigned 1 → 0/);
    await screenshot(page, 'dispatch-replan-proposal');
    // Nothing changed yet.
    expect((await plan()).version).toBe(before.version);

    await page.getByRole('button', { name: 'Accept' }).click();
    // Should the new stop not show, the status line says why (an Accept refused names its reason).
    await page
      .locator(`[data-route-vehicle="${idleVan}"] li[data-order-id="${newOrderId}"]`)
      .waitFor({ timeout: 20_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; the console said: ${await page.locator('#message').textContent()}`);
      });
    await expect(page.locator('#replan').isHidden()).resolves.toBe(true);
    await screenshot(page, 'dispatch-replan-accepted');

    const after = await plan();
    expect(after.version).toBe(before.version + 1);
    expect(after.routes.find((route) => route.vehicleId === idleVan)!.stops.map((stop) => stop.orderId)).toEqual([newOrderId]);
    const busyAfter = after.routes.find((route) => route.vehicleId === busyVan)!;
    expect(busyAfter.stops.slice(0, 2)).toEqual(delivered);
    // The console shows the routes as the API has them.
    for (const route of after.routes) {
      await expect(page.locator(`[data-route-vehicle="${route.vehicleId}"] li`).evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-order-id'))))).resolves.toEqual(route.stops.map((stop) => stop.orderId));
    }

    // A van with no route takes a stop dragged onto its card: previewed, nothing changed until confirmed.
    const dragged = busyAfter.stops[busyAfter.stops.length - 1]!;
    expect(dragged.status).toBe('pending');
    const versionBeforeDrag = (await plan()).version;
    // Dropped on the card's name, away from its (empty) list of stops. The page's own drag events: headless Chromium
    // starts no native drag from the mouse.
    const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
    const source = page.locator(`[data-route-vehicle="${busyVan}"] li[data-order-id="${dragged.orderId}"]`);
    const target = page.locator(`[data-route-vehicle="${spareVan}"] strong`);
    const previewed = page.waitForRequest((request) => request.url().includes('/edits?preview=true'));
    await source.dispatchEvent('dragstart', { dataTransfer });
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('dragover', { dataTransfer });
    await target.dispatchEvent('drop', { dataTransfer });
    await source.dispatchEvent('dragend', { dataTransfer });
    expect((await previewed).postDataJSON()).toEqual({ type: 'move', orderId: dragged.orderId, vehicleId: spareVan, position: 1 });
    await page.locator('#preview:not(.hidden)').waitFor({ timeout: 10_000 });
    await expect(page.locator('#preview-body').textContent()).resolves.toMatch(/violations/i);
    expect((await plan()).version).toBe(versionBeforeDrag);
    await page.getByRole('button', { name: 'Cancel' }).click();
    // And by the Move form.
    await page.locator('#move-order').selectOption(String(dragged.orderId));
    await page.locator('#move-vehicle').selectOption(String(spareVan));
    await page.getByRole('button', { name: 'Preview move' }).click();
    await page.locator('#preview:not(.hidden)').waitFor();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator(`[data-route-vehicle="${spareVan}"] li[data-order-id="${dragged.orderId}"]`).waitFor({ timeout: 20_000 });
    const spareRoute = (await plan()).routes.find((route) => route.vehicleId === spareVan)!;
    expect(spareRoute.stops.map((stop) => [stop.id, stop.orderId])).toEqual([[dragged.id, dragged.orderId]]);
    expect(problems).toEqual([]);
  }, 120_000);
});
