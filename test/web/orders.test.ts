/**
 * Orders handled from the console, in a real browser against the real service (demo seeded): the search
 * narrows the list, a row opens the drawer with its timeline, the form creates an order that then shows in
 * the list, an upload imports the good rows and names the bad one, reschedule and cancel from the drawer
 * change what the API says, a street-only order's pin is confirmed by dragging it or picking an alternative, and
 * a failed stop opened from the map shows its proof and is re-attempted.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';

interface Order { id: number; displayId: string; trackingCode: string; externalRef: string; customerName: string; status: string; timeWindows: { start: string; end: string }[]; location: [number, number] }

describe('orders in the dispatch console', () => {
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService(), launchBrowser()]);
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // The form's refused requests show in the console as failed loads; the page shows their errors.
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${service.url}/dispatch`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(service.credentials.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#orders tr').first().waitFor();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const rows = () => page.locator('#orders tr');
  const search = async (text: string) => {
    await page.locator('#filter-text').fill(text);
    await page.waitForFunction((wanted) => [...document.querySelectorAll('#orders tr')].every((row) => row.textContent!.toLowerCase().includes(wanted.toLowerCase())) && document.querySelectorAll('#orders tr').length > 0, text);
  };
  // The console fills in its day once it has read the depots: wait for it rather than read an empty field.
  const day = async () => {
    await page.waitForFunction(() => Boolean((document.querySelector('#date') as HTMLInputElement | null)?.value));
    return page.locator('#date').inputValue();
  };
  const openRow = async (orderId: number) => {
    await page.locator(`#orders tr[data-order-id="${orderId}"]`).click();
    await page.locator('#drawer-timeline li').first().waitFor();
    await page.locator('#drawer-title', { hasText: (await service.api<Order>('GET', `/api/v1/orders/${orderId}`)).displayId }).waitFor();
  };

  it('searches the list on the server and opens a row in the drawer with its timeline and tracking link', async () => {
    // The first page is a page, not the whole day.
    expect(await rows().count()).toBe(100);
    await page.locator('#orders-more').waitFor();
    const [order] = (await service.api<{ items: Order[] }>('GET', `/api/v1/orders?date=${await day()}&limit=1`)).items;
    await search(order!.customerName);
    const found = await rows().evaluateAll((all) => all.map((row) => Number((row as HTMLElement).dataset.orderId)));
    const expected = (await service.api<{ items: Order[] }>('GET', `/api/v1/orders?date=${await day()}&q=${encodeURIComponent(order!.customerName)}&limit=500`)).items.map((o) => o.id);
    expect(found).toEqual(expected);
    expect(found).toContain(order!.id);

    await openRow(order!.id);
    expect(await page.locator('#drawer-timeline li[data-event-type="created"]').count()).toBe(1);
    expect(await page.locator('[data-detail="customer"]').textContent()).toBe(order!.customerName);
    // A seeded order's link went out with its confirmation and is kept only as a hash: the drawer names its code.
    expect(await page.locator('#drawer-link-note').textContent()).toContain(order!.trackingCode);
    expect(await page.locator('#drawer-link').count()).toBe(0);
    await page.locator('[data-action="issue-link"]').click();
    const link = await page.locator('#drawer-link').inputValue();
    const { trackingCode } = await service.api<{ trackingCode: string }>('GET', `/api/v1/orders/${order!.id}`);
    expect(trackingCode).not.toBe(order!.trackingCode);
    expect(link).toMatch(new RegExp(`/t/${trackingCode}\\.[A-Za-z0-9_-]{22}$`));
    // The new link opens the customer's page API.
    expect((await fetch(`${service.url}/api/v1/track/${link.split('/t/')[1]}`)).status).toBe(200);
    expect(await page.locator('#drawer-timeline li[data-event-type="tracking_link_issued"]').count()).toBe(1);
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#drawer-qr');
      return !!canvas && canvas.width > 0 && canvas.height > 0;
    });
    await screenshot(page, 'dispatch-order-drawer');
    await page.locator('#drawer-close').click();
    await page.locator('#order-drawer').waitFor({ state: 'hidden' });
  });

  it('creates an order with the form: an address that cannot be placed is named beside its field, then it is created and listed', async () => {
    await page.getByRole('button', { name: 'New order' }).click();
    const form = page.locator('#order-form');
    await form.getByLabel('Reference').fill('console-new-1');
    await form.getByLabel('Customer').fill('Zora Console');
    // No coordinates and an address the geocoder does not know: refused, naming the address.
    await form.getByLabel('Address').fill('Nirgendwogasse 99, 99999 Atlantis');
    await form.getByRole('button', { name: 'Create order' }).click();
    await form.locator('.field-error[data-error-for="addressText"]').waitFor();
    expect(await form.locator('#new-addressText').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Longitude').fill('8.6870');
    await form.getByLabel('Latitude').fill('49.4070');
    await form.getByRole('button', { name: 'Create order' }).click();
    await page.locator('#drawer-title', { hasText: 'Order' }).waitFor();
    await page.locator('[data-detail="customer"]', { hasText: 'Zora Console' }).waitFor();
    const created = (await service.api<{ items: Order[] }>('GET', '/api/v1/orders?q=console-new-1')).items;
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ customerName: 'Zora Console', location: [8.687, 49.407], status: 'received' });
    expect(created[0]!.timeWindows[0]!.start.slice(0, 16)).toBe(`${await day()}T09:00`);
    await search('Zora Console');
    expect(await rows().evaluateAll((all) => all.map((row) => Number((row as HTMLElement).dataset.orderId)))).toEqual([created[0]!.id]);
  });

  it('shows a street-only order for confirmation: dragging the pin or picking an alternative confirms its location', async () => {
    const date = await day();
    const depotId = (await service.api<{ items: { id: number }[] }>('GET', '/api/v1/depots')).items[0]!.id;
    // A street Heidelberg has in two postcodes, asked without one and with a number the map does not have.
    const streetOrder = (ref: string) =>
      service.api<Order & { geocodeConfidence: string; geocodeAlternatives: { addressText: string; location: [number, number] }[] }>('POST', '/api/v1/orders', {
        externalRef: ref,
        customerName: `Pin ${ref}`,
        address: { street: 'Römerstraße', houseNumber: '999', city: 'Heidelberg' },
        timeWindows: [{ start: `${date}T09:00:00Z`, end: `${date}T17:00:00Z` }],
        depotId,
      });
    const dragged = await streetOrder('pin-drag');
    const picked = await streetOrder('pin-pick');
    expect(dragged).toMatchObject({ geocodeConfidence: 'street' });
    expect(picked.geocodeAlternatives.length).toBeGreaterThan(0);

    await search('Pin pin-drag');
    expect(await page.locator(`#orders tr[data-order-id="${dragged.id}"] .confirm-badge`).count()).toBe(1);
    await openRow(dragged.id);
    const confirm = page.locator('#drawer-confirm');
    expect(await confirm.locator('[data-action="pick-alternative"]').count()).toBe(dragged.geocodeAlternatives.length);
    // Drag the pin 60 px to the left on the map, then confirm where it was dropped.
    const pin = page.locator('.confirm-pin');
    const box = (await pin.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 30, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await confirm.locator('[data-action="confirm-pin"]', { hasText: 'dropped' }).click();
    await page.locator('#drawer-confirm').waitFor({ state: 'detached' });
    const afterDrag = await service.api<Order & { geocodeConfidence: string; geocodeAlternatives: unknown[] }>('GET', `/api/v1/orders/${dragged.id}`);
    expect(afterDrag).toMatchObject({ geocodeConfidence: 'given', geocodeAlternatives: [] });
    expect(afterDrag.location[0]).toBeLessThan(dragged.location[0]);
    expect(await page.locator('.confirm-pin').count()).toBe(0);

    await search('Pin pin-pick');
    await openRow(picked.id);
    await screenshot(page, 'dispatch-pin-to-confirm');
    await page.locator('#drawer-confirm [data-action="pick-alternative"][data-alternative="0"]').click();
    await page.locator('#drawer-confirm').waitFor({ state: 'detached' });
    expect(await service.api('GET', `/api/v1/orders/${picked.id}`)).toMatchObject({ geocodeConfidence: 'given', location: picked.geocodeAlternatives[0]!.location, geocodeAlternatives: [] });
    await screenshot(page, 'dispatch-pin-confirmed');
    await page.locator('#drawer-close').click();
  });

  it('uploads a CSV: the good rows are imported, the bad row is listed with its number, field and message', async () => {
    const date = await day();
    const csv = [
      'external_ref,customer_name,address,lon,lat,window_start,window_end',
      `csv-1,Ulla Upload,Plöck 1 Heidelberg,8.6950,49.4090,${date} 09:00,${date} 12:00`,
      `csv-2,Bad Row,Plöck 2 Heidelberg,8.6951,not-a-latitude,${date} 09:00,${date} 12:00`,
      `csv-3,Udo Upload,Plöck 3 Heidelberg,8.6952,49.4092,${date} 13:00,${date} 16:00`,
    ].join('\n');
    await page.getByRole('button', { name: 'Import CSV / GeoJSON' }).click();
    await page.locator('#import-file').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#import-source').fill('console-test');
    await page.locator('#import-form').getByRole('button', { name: 'Upload' }).click();
    await page.locator('#import-counts').waitFor();
    expect(await page.locator('#import-counts').textContent()).toContain('2 created');
    const rejected = await page.locator('#import-rejected tbody tr').evaluateAll((all) => all.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.slice(0, 2)).toEqual(['2', 'lat']);
    expect(rejected[0]![2]).toBeTruthy();
    const imported = (await service.api<{ items: Order[] }>('GET', '/api/v1/orders?q=Upload')).items.map((order) => order.externalRef).sort();
    expect(imported).toEqual(['csv-1', 'csv-3']);
    await search('Upload');
    expect(await rows().count()).toBe(2);
    await screenshot(page, 'dispatch-order-import');
  });

  it('reschedules an order to another day and cancels another from the drawer, as the API then says', async () => {
    const date = await day();
    const [first, second] = (await service.api<{ items: Order[] }>('GET', `/api/v1/orders?date=${date}&q=Upload`)).items;
    await openRow(first!.id);
    await page.locator('#drawer-body [data-action="reschedule"]').click();
    const nextDay = new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const form = page.locator('#drawer-body form[aria-label="Reschedule order"]');
    // The end before the start: the server's message shows in the form.
    await form.getByLabel('Date').fill(nextDay);
    await form.getByLabel('From').fill('15:00');
    await form.getByLabel('To').fill('14:00');
    await form.getByRole('button', { name: 'Reschedule' }).click();
    await form.locator('.field-error[data-error-for="timeWindows"]').waitFor();
    await form.getByLabel('From').fill('10:00');
    await form.getByRole('button', { name: 'Reschedule' }).click();
    await page.locator('#drawer-timeline li[data-event-type="rescheduled"]').waitFor();
    const rescheduled = await service.api<Order>('GET', `/api/v1/orders/${first!.id}`);
    expect(rescheduled.timeWindows.map((window) => [window.start.slice(0, 16), window.end.slice(0, 16)])).toEqual([[`${nextDay}T10:00`, `${nextDay}T14:00`]]);

    await openRow(second!.id);
    await page.locator('#drawer-body [data-action="cancel"]').click();
    const cancel = page.locator('#drawer-body form[aria-label="Cancel order"]');
    await cancel.getByLabel('Reason').fill('customer called');
    await cancel.getByRole('button', { name: 'Confirm cancellation' }).click();
    await page.locator('#drawer-status', { hasText: 'cancelled' }).waitFor();
    expect(await service.api<Order>('GET', `/api/v1/orders/${second!.id}`)).toMatchObject({ status: 'cancelled' });
    expect(await page.locator('#drawer-body [data-action="cancel"]').count()).toBe(0);
  });

  it('opens a failed stop from the map, shows its proof and the re-attempt the policy made, and moves it to another day', { timeout: 120_000 }, async () => {
    const date = await day();
    const ready = (await service.api<{ items: Order[] }>('GET', `/api/v1/orders?date=${date}&status=ready&limit=4`)).items;
    const created = await service.api<{ id: number }>('POST', '/api/v1/plans', { date, depotId: (await service.api<{ items: { id: number }[] }>('GET', '/api/v1/depots')).items[0]!.id, orderIds: ready.map((order) => order.id), timeLimitSeconds: 1 });
    let plan: { status: string; routes: { vehicleId: number; stops: { id: number; orderId: number; sequence: number }[] }[] };
    do {
      await new Promise((resolve) => setTimeout(resolve, 300));
      plan = await service.api('GET', `/api/v1/plans/${created.id}`);
    } while (plan.status === 'queued' || plan.status === 'running');
    expect(plan.status).toBe('succeeded');
    await service.api('POST', `/api/v1/plans/${created.id}/dispatch`);
    const route = plan.routes.find((candidate) => candidate.stops.length > 0)!;
    const stop = route.stops[0]!;
    await service.api('POST', `/api/v1/stops/${stop.id}/fail`, { idempotencyKey: 'console-fail-1', reason: 'not_home', note: 'nobody at the door' });
    const vehicle = (await service.api<{ items: { id: number; name: string }[] }>('GET', '/api/v1/vehicles')).items.find((candidate) => candidate.id === route.vehicleId)!;
    // The depot's failure policy re-attempts "not home" on the next working day by itself.
    const policed = await service.api<Order>('GET', `/api/v1/orders/${stop.orderId}`);
    expect(policed.status).toBe('rescheduled');

    await page.reload();
    const marker = page.locator(`.leaflet-marker-icon[title="${vehicle.name} stop ${stop.sequence}"]`);
    await marker.waitFor();
    await marker.dispatchEvent('click');
    await page.locator('#drawer-proof', { hasText: 'nobody at the door' }).waitFor();
    expect(await page.locator('#drawer-proof').textContent()).toContain('Not home');
    expect(await page.locator('#drawer-status').textContent()).toBe('rescheduled');

    // The dispatcher moves the re-attempt to another day than the policy chose.
    await page.locator('#drawer-body [data-action="reschedule"]', { hasText: 'Reschedule' }).click();
    const form = page.locator('#drawer-body form[aria-label="Reschedule order"]');
    const laterDay = new Date(Date.parse(`${policed.timeWindows[0]!.start.slice(0, 10)}T12:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Date').fill(laterDay);
    await form.getByRole('button', { name: 'Reschedule' }).click();
    await page.locator('#drawer-body form').waitFor({ state: 'detached' });
    const retried = await service.api<Order>('GET', `/api/v1/orders/${stop.orderId}`);
    expect(retried.status).toBe('rescheduled');
    expect(retried.timeWindows[0]!.start.slice(0, 10)).toBe(laterDay);
    await screenshot(page, 'dispatch-order-reattempt');
    expect(problems).toEqual([]);
  });
});
