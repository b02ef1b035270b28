/**
 * Multi-trip in the console and the driver app, in a real browser against the real service: a van that holds 3
 * parcels plans 7 orders as trips; its route card shows each trip and the reload at the depot between them, with
 * its times, and once dispatched its driver sees each reload in the day's list after the stop it follows, confirms
 * it at the depot and loaded, and the console's route card shows each step as it happens.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';
import { suiteDateAhead } from '../helpers/clock';

describe('the console shows a multi-trip route', () => {
  let service: RunningService;
  let browser: Browser;
  const problems: string[] = [];
  // Two days ahead in UTC: a day to plan whatever the hour the test runs.
  const date = suiteDateAhead(2);
  let depotId: number;
  let vehicleId: number;
  let planId: number;

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService({ SEED_DEMO: 'false' }), launchBrowser()]);
    depotId = (await service.api('POST', '/api/v1/depots', { name: 'Trips depot', location: [8.6724, 49.4093], address: 'Bergheimer Straße 120, Heidelberg', timeZone: 'UTC' })).id;
    vehicleId = (
      await service.api('POST', '/api/v1/vehicles', {
        name: 'Small van',
        startDepotId: depotId,
        capacity: { weightKg: 800, volumeL: 6000, items: 3 },
        shift: { start: '07:00', end: '18:00' },
        reload: { serviceSeconds: 900 },
      })
    ).id;
    await service.api('POST', '/api/v1/drivers', { name: 'Trips driver', username: 'trips-driver', password: 'trips-password', vehicleId });
    for (let k = 0; k < 7; k++) {
      const order = await service.api('POST', '/api/v1/orders', {
        externalRef: `trip-${k}`,
        customerName: `Customer ${k}`,
        addressText: `Hauptstraße ${k + 1}, Heidelberg`,
        location: [8.6724 + 0.015 * Math.cos(k), 49.4093 + 0.009 * Math.sin(k)],
        timeWindows: [{ start: `${date}T08:00:00Z`, end: `${date}T17:00:00Z` }],
        depotId,
      });
      await service.api('POST', `/api/v1/orders/${order.id}/transitions`, { status: 'ready' });
    }
    planId = (await service.api('POST', '/api/v1/plans', { date, depotId, timeLimitSeconds: 1 })).id;
    for (let waitedMs = 0; (await service.api('GET', `/api/v1/plans/${planId}`)).status !== 'succeeded'; waitedMs += 300) {
      if (waitedMs > 60_000) throw new Error(`plan ${planId} did not succeed`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('lists Trip 1, the reload at the depot with its times, Trip 2 and on, with the stops of each in between', async () => {
    const route = (await service.api('GET', `/api/v1/plans/${planId}`)).routes[0] as { trips: number; reloads: { arrival: string; departure: string }[]; stops: { orderId: number; trip: number }[] };
    expect(route.trips).toBeGreaterThanOrEqual(3);
    const page: Page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${service.url}/dispatch`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(service.credentials.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator(`#depot option[value="${depotId}"]`).waitFor({ state: 'attached', timeout: 20_000 });
    await page.locator('#depot').selectOption(String(depotId));
    await page.locator('#date').fill(date);
    await page.locator('#date').dispatchEvent('change');
    await page.getByRole('tab', { name: 'Routes' }).click();
    const card = page.locator(`[data-route-vehicle="${vehicleId}"]`);
    await card.locator('li.reload').first().waitFor({ timeout: 20_000 });
    await expect(card.textContent()).resolves.toContain(`in ${route.trips} trips`);

    // Rows in order: a trip heading, its stops, a reload, the next heading, …
    const rows = await card.locator('li').evaluateAll((items) => items.map((item) => (item.classList.contains('trip') || item.classList.contains('reload') ? item.textContent!.trim() : Number(item.getAttribute('data-order-id')))));
    const expected: (string | number)[] = ['Trip 1'];
    route.stops.forEach((stop, index) => {
      expected.push(stop.orderId);
      const next = route.stops[index + 1];
      if (next && next.trip !== stop.trip) {
        const reload = route.reloads[stop.trip - 1]!;
        expected.push(`↻ Reload at depot ${reload.arrival.slice(11, 16)}–${reload.departure.slice(11, 16)}`, `Trip ${next.trip}`);
      }
    });
    expect(rows).toEqual(expected);
    await screenshot(page, 'multitrip-route-card');
    expect(problems).toEqual([]);
  });

  it("shows the driver each reload after the stop it follows, once the plan is dispatched", async () => {
    await service.api('POST', `/api/v1/plans/${planId}/dispatch`);
    const route = (await service.api('GET', `/api/v1/plans/${planId}`)).routes[0] as { stops: { id: number }[]; reloads: { trip: number; afterSequence: number; arrival: string; departure: string; load: { items: number } }[] };
    const page: Page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${service.url}/driver`);
    await page.getByLabel('Username').fill('trips-driver');
    await page.getByLabel('Password').fill('trips-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#stops li.reload').first().waitFor({ timeout: 20_000 });
    const rows = await page.locator('#stops li').evaluateAll((items) => items.map((item) => (item.classList.contains('reload') ? `reload ${item.getAttribute('data-trip')}` : Number(item.getAttribute('data-stop-id')))));
    const expected: (string | number)[] = [];
    route.stops.forEach((stop, index) => {
      expected.push(stop.id);
      for (const reload of route.reloads.filter((candidate) => candidate.afterSequence === index + 1)) expected.push(`reload ${reload.trip}`);
    });
    expect(rows).toEqual(expected);
    const first = route.reloads[0]!;
    await expect(page.locator('#stops li.reload').first().textContent()).resolves.toContain(`Reload at the depot ${first.arrival.slice(11, 16)}–${first.departure.slice(11, 16)}`);
    await expect(page.locator('#stops li.reload').first().textContent()).resolves.toContain(`then trip 2: ${first.load.items} item`);
    await screenshot(page, 'multitrip-driver-day');
    expect(problems).toEqual([]);
  });

  it('the driver confirms the reload once trip 1 is done, and the console shows it live', async () => {
    if ((await service.api('GET', `/api/v1/plans/${planId}`)).status !== 'dispatched') await service.api('POST', `/api/v1/plans/${planId}/dispatch`);
    const route = (await service.api('GET', `/api/v1/plans/${planId}`)).routes[0] as { stops: { id: number; trip: number }[] };
    const console: Page = await browser.newPage();
    console.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // The pages before share this browser's storage: each page here logs in afresh.
    await console.goto(`${service.url}/dispatch`);
    await console.evaluate(() => localStorage.clear());
    await console.reload();
    await console.getByLabel('Username').fill('admin');
    await console.getByLabel('Password').fill(service.credentials.admin.password);
    await console.getByRole('button', { name: 'Log in' }).click();
    await console.locator(`#depot option[value="${depotId}"]`).waitFor({ state: 'attached', timeout: 20_000 });
    await console.locator('#depot').selectOption(String(depotId));
    await console.locator('#date').fill(date);
    await console.locator('#date').dispatchEvent('change');
    await console.getByRole('tab', { name: 'Routes' }).click();
    const consoleReload = console.locator(`[data-route-vehicle="${vehicleId}"] li.reload[data-trip="2"]`);
    await consoleReload.waitFor({ timeout: 20_000 });

    const driver: Page = await browser.newPage();
    driver.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await driver.goto(`${service.url}/driver`);
    await driver.evaluate(() => localStorage.clear());
    await driver.reload();
    await driver.getByLabel('Username').fill('trips-driver');
    await driver.getByLabel('Password').fill('trips-password');
    await driver.getByRole('button', { name: 'Log in' }).click();
    const reload = driver.locator('#stops li.reload[data-trip="2"]');
    await reload.waitFor({ timeout: 20_000 });
    // Not its turn while trip 1 has stops to do.
    await expect(reload.locator('button').count()).resolves.toBe(0);

    // Trip 1 delivered (by the office on the driver's behalf): the driver's list hears it over the socket.
    for (const stop of route.stops.filter((candidate) => candidate.trip === 1)) {
      await service.api('POST', `/api/v1/stops/${stop.id}/complete`, { idempotencyKey: `deliver-${stop.id}`, recipientName: 'Ada' });
    }
    await reload.getByRole('button', { name: 'At the depot' }).click();
    await reload.getByText('At the depot since').waitFor({ timeout: 20_000 });
    await consoleReload.getByText('at the depot since').waitFor({ timeout: 20_000 });
    await reload.getByRole('button', { name: 'Reloaded' }).click();
    await reload.getByText('✓ Reloaded at').waitFor({ timeout: 20_000 });
    await consoleReload.getByText('reloaded').waitFor({ timeout: 20_000 });

    const stored = (await service.api('GET', `/api/v1/plans/${planId}`)).routes[0].reloads[0] as { arrivedAt: string; reloadedAt: string };
    expect(stored.arrivedAt).not.toBeNull();
    expect(stored.reloadedAt).not.toBeNull();
    await expect(consoleReload.textContent()).resolves.toContain(`reloaded ${stored.reloadedAt.slice(11, 16)}`);
    await expect(reload.textContent()).resolves.toContain(`✓ Reloaded at ${stored.reloadedAt.slice(11, 16)}`);
    // Once only: a second confirmation is refused naming the step.
    const again = await fetch(`${service.url}/api/v1/routes/${(await service.api('GET', `/api/v1/plans/${planId}`)).routes[0].id}/reloads/2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.credentials.admin.apiToken}` },
      body: JSON.stringify({ step: 'reloaded' }),
    });
    expect(again.status).toBe(409);
    expect((await again.json()).error.details[0].path).toBe('step');
    await screenshot(console, 'multitrip-console-reloaded');
    await screenshot(driver, 'multitrip-driver-reloaded');
    expect(problems).toEqual([]);
  }, 120_000);
});
