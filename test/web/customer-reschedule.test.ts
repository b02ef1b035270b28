/**
 * The customer moves their delivery from the tracking page, in a real browser against the real service (demo
 * seeded, SMTP pointed at a server started here): the order moves to the new day, the dispatcher's console
 * lists it on that day with the customer's change in its timeline, and the confirmation e-mail arrives.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpReceiver, type SmtpReceiver } from '../notifications/receivers';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';

interface Order { id: number; displayId: string; status: string; timeWindows: { start: string; end: string }[] }

describe('a customer reschedules from the tracking page', () => {
  let smtp: SmtpReceiver;
  let service: RunningService;
  let browser: Browser;
  let consolePage: Page;
  let trackPage: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    [service, browser] = await Promise.all([startService({ SMTP_URL: smtp.url }), launchBrowser()]);
    consolePage = await browser.newPage();
    trackPage = await browser.newPage({ width: 390, height: 844 });
    for (const page of [consolePage, trackPage]) {
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
    }
    await consolePage.goto(`${service.url}/dispatch`);
    await consolePage.getByLabel('Username').fill('admin');
    await consolePage.getByLabel('Password').fill(service.credentials.admin.password);
    await consolePage.getByRole('button', { name: 'Log in' }).click();
    await consolePage.locator('#orders tr').first().waitFor();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await smtp?.close();
  });

  it('moves the order to the chosen day, shows it to the dispatcher and e-mails the customer', async () => {
    const [listed] = (await service.api<{ items: Order[] }>('GET', '/api/v1/orders?status=ready&limit=1')).items;
    // Demo customers have no address; this one gets one, so the confirmation has somewhere to go.
    const order = await service.api<Order>('PATCH', `/api/v1/orders/${listed!.id}`, { customerEmail: 'customer@example.com' });
    const fromDate = order.timeWindows[0]!.start.slice(0, 10);
    // Only a link's hash is kept: the office issues one to hand over (the customer is sent it too).
    const issued = await service.api<{ path: string }>('POST', `/api/v1/orders/${order.id}/tracking/link`, {});
    const trackingToken = issued.path.slice('/t/'.length);

    await trackPage.goto(`${service.url}/t/${trackingToken}`);
    await trackPage.locator('#slot-form').waitFor();
    await trackPage.waitForFunction(() => document.querySelectorAll('#slot option:not([disabled])').length > 0);
    // The first open window on another day than the order's.
    const choice = await trackPage.locator('#slot option:not([disabled])').evaluateAll(
      (options, from) => (options as HTMLOptionElement[]).map((option) => ({ value: option.value, label: option.textContent })).find((option) => !option.value.startsWith(from)),
      fromDate,
    );
    expect(choice, 'an open window on another day').toBeDefined();
    const [date, start, end] = choice!.value.split(' ') as [string, string, string];
    await trackPage.locator('#slot').selectOption(choice!.value);
    await trackPage.getByRole('button', { name: 'Move my delivery' }).click();
    await trackPage.locator('#slot-status', { hasText: 'Moved' }).waitFor();
    await trackPage.locator('#window', { hasText: `${start}` }).waitFor();
    await screenshot(trackPage, 'track-rescheduled');

    const moved = await service.api<Order>('GET', `/api/v1/orders/${order.id}`);
    expect(moved.status).toBe('ready');
    expect(moved.timeWindows).toHaveLength(1);
    expect(moved.timeWindows[0]!.start).toMatch(new RegExp(`^${date}T${start}:00[+-]\\d\\d:\\d\\d$`));
    expect(moved.timeWindows[0]!.end).toMatch(new RegExp(`^${date}T${end}:00[+-]\\d\\d:\\d\\d$`));

    // The dispatcher opens the new day: the order is there, with the customer's change in its timeline.
    await consolePage.locator('#date').fill(date);
    await consolePage.locator('#date').dispatchEvent('change');
    const row = consolePage.locator(`#orders tr[data-order-id="${order.id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const entry = consolePage.locator('#drawer-timeline li[data-event-type="rescheduled"]');
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(new RegExp(`rescheduled to .*${start}–${end} \\(chosen by the customer\\) · customer`));
    await screenshot(consolePage, 'dispatch-customer-rescheduled');

    // The outbox sender delivers the rescheduled message to the SMTP server started here.
    const deadline = Date.now() + 60_000;
    // The rescheduled message, not the confirmation that handed out the link above.
    const rescheduledMail = (mail: (typeof smtp.mails)[number]) =>
      JSON.stringify(mail.to).includes('customer@example.com') && /New delivery time|Neuer Liefertermin/.test(mail.subject ?? '') && (mail.text ?? '').includes(start);
    const mailFor = () => smtp.mails.find(rescheduledMail);
    while (!mailFor() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    const mail = mailFor();
    expect(mail, 'the confirmation e-mail').toBeDefined();
    expect(mail!.subject).toContain(order.displayId);
    expect(mail!.text).toContain(`/t/${trackingToken}`);
    expect(smtp.mails.filter(rescheduledMail)).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 180_000);
});
