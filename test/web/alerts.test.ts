/**
 * Alerts kept by the server, in a real browser against the real service: a plan that leaves an order unassigned
 * and a failed delivery show in the console's Alerts tab, are still there after a reload, and acknowledging one
 * takes it off the open list (for good: it stays off after another reload).
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';
import { suiteDateAhead } from '../helpers/clock';

describe('alerts survive a reload of the console', () => {
  let service: RunningService;
  let browser: Browser;
  let consolePage: Page;
  const problems: string[] = [];
  // A week ahead: a day not yet begun, whatever the date and hour the test runs.
  const date = suiteDateAhead(7);
  let depotId: number;
  let failedDisplayId: string;
  let planId: number;

  const openAlerts = async () => (await service.api('GET', `/api/v1/alerts?depotId=${depotId}&status=open`)).items as { id: number; kind: string; message: string }[];
  const alertItems = () => consolePage.locator('#alerts li');

  beforeAll(async () => {
    // No demo: this depot is the console's first.
    [service, browser] = await Promise.all([startService({ SEED_DEMO: 'false' }), launchBrowser()]);
    depotId = (await service.api('POST', '/api/v1/depots', { name: 'Alert depot', location: [8.6724, 49.4093], address: 'Bergheimer Straße 120, Heidelberg', timeZone: 'UTC' })).id;
    // Room for two parcels: of three orders one is left unassigned.
    const vehicle = await service.api('POST', '/api/v1/vehicles', { name: 'Small van', startDepotId: depotId, capacity: { weightKg: 800, volumeL: 6000, items: 2 }, shift: { start: '08:00', end: '18:00' } });
    await service.api('POST', '/api/v1/drivers', { name: 'Alert driver', username: 'alert-driver', password: 'alert-password', vehicleId: vehicle.id });
    for (let k = 0; k < 3; k++) {
      const order = await service.api('POST', '/api/v1/orders', {
        externalRef: `alert-${k}`,
        customerName: `Customer ${k}`,
        addressText: `Street ${k}, Heidelberg`,
        location: [8.676 + 0.004 * k, 49.4105],
        timeWindows: [{ start: `${date}T09:00:00Z`, end: `${date}T17:00:00Z` }],
        serviceSeconds: 300,
        depotId,
      });
      await service.api('POST', `/api/v1/orders/${order.id}/transitions`, { status: 'ready' });
    }
    planId = (await service.api('POST', '/api/v1/plans', { date, depotId, timeLimitSeconds: 1 })).id;
    for (let waitedMs = 0; (await service.api('GET', `/api/v1/plans/${planId}`)).status !== 'succeeded'; waitedMs += 300) {
      if (waitedMs > 60_000) throw new Error(`plan ${planId} did not succeed`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // One order is left unassigned on purpose (its alert is under test): dispatch past the warning.
    await service.api('POST', `/api/v1/plans/${planId}/dispatch`, { confirm: true });

    // The driver fails the first stop.
    const login = await fetch(`${service.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alert-driver', password: 'alert-password' }) });
    const driverToken = (await login.json()).token as string;
    const plan = await service.api('GET', `/api/v1/plans/${planId}`);
    const stop = plan.routes[0].stops[0] as { id: number; orderId: number };
    failedDisplayId = (await service.api('GET', `/api/v1/orders/${stop.orderId}`)).displayId;
    const failed = await fetch(`${service.url}/api/v1/stops/${stop.id}/fail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${driverToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: randomUUID(), reason: 'refused' }),
    });
    if (!failed.ok) throw new Error(`failing stop ${stop.id}: ${failed.status} ${await failed.text()}`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('shows the open alerts, and still shows them after a reload', async () => {
    await expect.poll(async () => (await openAlerts()).map((alert) => alert.kind).sort(), { timeout: 10_000 }).toEqual(['failed_delivery', 'unassigned']);
    consolePage = await browser.newPage();
    consolePage.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    consolePage.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await consolePage.goto(`${service.url}/dispatch`);
    await consolePage.getByLabel('Username').fill('admin');
    await consolePage.getByLabel('Password').fill(service.credentials.admin.password);
    await consolePage.getByRole('button', { name: 'Log in' }).click();
    await consolePage.getByRole('tab', { name: /Alerts/ }).click();
    const failed = alertItems().filter({ hasText: `Failed delivery ${failedDisplayId}: Refused` });
    const unassigned = alertItems().filter({ hasText: `Plan ${planId} leaves 1 order unassigned` });
    await failed.waitFor();
    await unassigned.waitFor();
    await expect(consolePage.locator('#alert-count').textContent()).resolves.toBe('(2)');
    await screenshot(consolePage, 'alerts-before-reload');

    await consolePage.reload();
    await consolePage.getByRole('tab', { name: /Alerts/ }).click();
    await failed.waitFor();
    await unassigned.waitFor();
    await expect(alertItems().count()).resolves.toBe(2);
    await screenshot(consolePage, 'alerts-after-reload');
  }, 60_000);

  it('acknowledging an alert takes it off the open list, with who and when kept, and it stays off after a reload', async () => {
    const failed = alertItems().filter({ hasText: `Failed delivery ${failedDisplayId}` });
    const alertId = Number(await failed.getAttribute('data-alert-id'));
    await failed.getByRole('button', { name: /Acknowledge/ }).click();
    await failed.waitFor({ state: 'detached' });
    await expect(consolePage.locator('#alert-count').textContent()).resolves.toBe('(1)');

    const acknowledged = (await service.api('GET', `/api/v1/alerts?depotId=${depotId}&status=acknowledged`)).items;
    const me = await consolePage.evaluate(async () => (await fetch('/api/v1/auth/me', { headers: { authorization: `Bearer ${localStorage.getItem('lastmile.dispatch.token')}` } })).json());
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]).toMatchObject({ id: alertId, status: 'acknowledged', acknowledgedBy: `user:${me.userId}` });
    expect(Date.now() - Date.parse(acknowledged[0].acknowledgedAt)).toBeLessThan(60_000);

    await consolePage.reload();
    await consolePage.getByRole('tab', { name: /Alerts/ }).click();
    await alertItems().filter({ hasText: `Plan ${planId} leaves 1 order unassigned` }).waitFor();
    await expect(alertItems().count()).resolves.toBe(1);
    await screenshot(consolePage, 'alerts-acknowledged');
    expect(problems).toEqual([]);
  }, 60_000);
});
