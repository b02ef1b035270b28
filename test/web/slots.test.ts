/**
 * The Slots tab in a real browser against the real service: the dispatcher sees how full each window of the coming
 * days is (promised orders plus held reservations of its capacity) and changes the depot's slot calendar, which the
 * quote then offers.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';

describe('the dispatcher configures the slot calendar and sees how full it is', () => {
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  // Two days ahead in UTC: its cut-off (the evening before) is still to come whatever the hour the test runs.
  const date = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const weekday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  let depotId: number;

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService({ SEED_DEMO: 'false' }), launchBrowser()]);
    const slotCalendar = { windows: { [weekday]: [{ start: '08:00', end: '12:00', capacity: 4 }, { start: '12:00', end: '16:00', capacity: 4 }] }, cutoff: { daysBefore: 1, time: '20:00' } };
    depotId = (await service.api('POST', '/api/v1/depots', { name: 'Slot depot', location: [8.6724, 49.4093], address: 'Bergheimer Straße 120, Heidelberg', timeZone: 'UTC', slotCalendar })).id;
    await service.api('POST', '/api/v1/vehicles', { name: 'Van', startDepotId: depotId, capacity: { weightKg: 800, volumeL: 6000, items: 50 }, shift: { start: '07:00', end: '18:00' } });
    await service.api('POST', '/api/v1/orders', { externalRef: 'slot-1', customerName: 'Customer 1', addressText: 'Hauptstraße 1, Heidelberg', location: [8.69, 49.41], timeWindows: [{ start: `${date}T08:00:00Z`, end: `${date}T12:00:00Z` }], depotId });
    await service.api('POST', '/api/v1/slots/reserve', { depotId, location: [8.691, 49.41], date, start: '08:00', end: '12:00' });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('shows promised + held of capacity per window, and saves a new calendar the quote then offers', async () => {
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${service.url}/dispatch`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(service.credentials.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('tab', { name: 'Slots' }).click();
    const morning = page.locator(`#slot-loads tr[data-slot="${date} 08:00"]`);
    await expect.poll(async () => (await morning.count()) > 0 && (await morning.textContent()), { timeout: 20_000 }).toContain('1 + 1 / 4');
    await expect(page.locator(`#slot-loads tr[data-slot="${date} 12:00"]`).textContent()).resolves.toContain('0 + 0 / 4');
    await screenshot(page, 'slots-before');

    await page.getByLabel(`Windows on ${weekday}`).fill('08:00-12:00 2, 12:00-16:00 9, 16:00-20:00 3');
    await page.getByRole('button', { name: 'Save calendar' }).click();
    await expect.poll(async () => page.locator(`#slot-loads tr[data-slot="${date} 16:00"]`).count(), { timeout: 20_000 }).toBe(1);
    await expect(page.locator(`#slot-loads tr[data-slot="${date} 08:00"]`).textContent()).resolves.toContain('1 + 1 / 2');
    const quote = await service.api('POST', '/api/v1/slots/quote', { depotId, location: [8.69, 49.41], dates: [date] });
    expect(quote.dates[0].windows.map((window: { start: string; capacity: number; reason: string | null }) => [window.start, window.capacity, window.reason])).toEqual([
      ['08:00', 2, 'full'],
      ['12:00', 9, null],
      ['16:00', 3, null],
    ]);

    await page.getByLabel(`Windows on ${weekday}`).fill('08:00-12:00 lots');
    await page.getByRole('button', { name: 'Save calendar' }).click();
    await expect.poll(async () => page.locator('#slot-calendar .form-error').textContent(), { timeout: 10_000 }).toContain('start-end capacity');
    await screenshot(page, 'slots-after');
    expect(problems).toEqual([]);
  });

  it('refuses a console order in a full window beside its window fields, and books it when the dispatcher says so', async () => {
    await page.getByRole('tab', { name: 'Orders' }).click();
    await page.getByRole('button', { name: 'New order' }).click();
    const form = page.locator('#order-form');
    await form.getByLabel('Reference').fill('slot-console');
    await form.getByLabel('Customer').fill('Console Customer');
    await form.getByLabel('Address').fill('Hauptstraße 2, Heidelberg');
    await form.getByLabel('Longitude').fill('8.6900');
    await form.getByLabel('Latitude').fill('49.4100');
    await form.locator('#new-date').fill(date);
    await form.locator('#new-from').fill('08:00');
    await form.locator('#new-to').fill('12:00');
    // The calendar now takes 2 in the morning: the order and the hold fill it.
    await form.getByRole('button', { name: 'Create order' }).click();
    await expect.poll(async () => form.locator('.field-error[data-error-for="timeWindows"]').textContent(), { timeout: 20_000 }).toContain(`window 08:00–12:00 on ${date} is full (2 of 2 promised or held)`);
    expect((await service.api<{ items: unknown[] }>('GET', '/api/v1/orders?q=slot-console')).items).toHaveLength(0);

    await form.getByLabel('Book even if the slot window is full').check();
    await form.getByRole('button', { name: 'Create order' }).click();
    await page.locator('[data-detail="customer"]', { hasText: 'Console Customer' }).waitFor({ timeout: 20_000 });
    const created = (await service.api<{ items: { timeWindows: { start: string }[] }[] }>('GET', '/api/v1/orders?q=slot-console')).items;
    expect(created).toHaveLength(1);
    expect(created[0]!.timeWindows[0]!.start.slice(0, 16)).toBe(`${date}T08:00`);
    expect(problems).toEqual([]);
  }, 90_000);
});
