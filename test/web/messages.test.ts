/**
 * Messages seen end to end in a real browser against the real service: with an SMTP server and no SMS provider,
 * a new order's e-mail arrives and its SMS is kept; the console's Messages tab lists both as a newcomer finds
 * them; the customer follows the e-mail's unsubscribe link, confirms on the tracking page, and the next e-mail is
 * held back, which the order drawer shows beside the customer's choice in the timeline.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpReceiver, type SmtpReceiver } from '../notifications/receivers';
import { launchBrowser, screenshot, type Browser } from './browser';
import { startService, type RunningService } from './server';

interface Order { id: number; displayId: string; trackingLink: string }
interface Message { channel: string; status: string; template: string }

describe('messages in the console and on the tracking page', () => {
  let smtp: SmtpReceiver;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let order: Order;
  const problems: string[] = [];

  const messagesOf = async (orderId: number) => (await service.api<{ items: Message[] }>('GET', `/api/v1/orders/${orderId}/messages`)).items;
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (let tries = 0; tries < 100; tries++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    [service, browser] = await Promise.all([startService({ SMTP_URL: smtp.url }), launchBrowser()]);
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const depot = (await service.api<{ items: { id: number }[] }>('GET', '/api/v1/depots')).items[0]!;
    order = await service.api<Order>('POST', '/api/v1/orders', {
      depotId: depot.id,
      externalRef: 'messages-1',
      customerName: 'Mia Example',
      customerEmail: 'mia@example.org',
      customerPhone: '+49 30 23125 777',
      addressText: 'Hauptstraße 100, Heidelberg',
      location: [8.6955, 49.4105],
      timeWindows: [{ start: '2030-05-06T09:00:00+02:00', end: '2030-05-06T12:00:00+02:00' }],
    });
    await until(async () => (await messagesOf(order.id)).some((message) => message.channel === 'email' && message.status === 'sent'), 'the confirmation e-mail');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await smtp?.close();
  });

  it('sends the e-mail to the SMTP server and keeps the SMS without a provider, both listed in the Messages tab', async () => {
    const mail = smtp.mails.find((received) => JSON.stringify(received.to).includes('mia@example.org'));
    expect(mail?.subject).toBe(`Ihre Bestellung ${order.displayId} ist bestätigt`);
    expect((await messagesOf(order.id)).map((message) => `${message.channel}:${message.status}`)).toEqual(['email:sent', 'sms:kept']);

    await page.goto(`${service.url}/dispatch`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(service.credentials.admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#orders tr').first().waitFor();
    await page.getByRole('tab', { name: 'Messages' }).click();
    const mine = page.locator('#messages li', { hasText: order.displayId });
    await mine.first().waitFor();
    expect(await mine.count()).toBe(2);
    expect(await page.locator('#messages li[data-channel="sms"]', { hasText: order.displayId }).textContent()).toContain('not sent: no provider configured');
    expect(await page.locator('#messages li[data-channel="email"]', { hasText: order.displayId }).textContent()).toContain('sent');
    await screenshot(page, 'dispatch-messages');
  });

  it('unsubscribes from the e-mail link after the customer confirms; the next e-mail is held back and the drawer shows why', async () => {
    const mail = smtp.mails.find((received) => JSON.stringify(received.to).includes('mia@example.org'))!;
    const link = /(http\S+\?unsubscribe=email)/.exec(mail.text ?? '')![1]!;
    const customer = await browser.newPage();
    await customer.goto(link.replace(/^http:\/\/localhost:\d+/, service.url));
    // Following the link alone changes nothing: a mail scanner opening it unsubscribes nobody.
    await customer.locator('#unsubscribe-confirm').waitFor({ timeout: 15_000 }).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n${await customer.content()}`);
    });
    expect((await service.api<{ email: boolean }>('GET', `/api/v1/track/${order.trackingLink.slice('/t/'.length)}/preferences`)).email).toBe(true);
    await customer.locator('#unsubscribe-confirm').click();
    await customer.locator('#preferences-status', { hasText: 'E-mails off.' }).waitFor();
    expect(await customer.locator('#pref-email').isChecked()).toBe(false);
    expect(await customer.locator('#pref-sms').isChecked()).toBe(true);
    await screenshot(customer, 'track-preferences');
    await customer.close();

    await service.api('POST', `/api/v1/orders/${order.id}/reschedule`, { timeWindows: [{ start: '2030-05-07T14:00:00+02:00', end: '2030-05-07T16:00:00+02:00' }] });
    await until(async () => (await messagesOf(order.id)).length === 4, 'the rescheduled messages');
    expect((await messagesOf(order.id)).map((message) => `${message.template}:${message.channel}:${message.status}`)).toEqual(['confirmed:email:sent', 'confirmed:sms:kept', 'rescheduled:email:suppressed', 'rescheduled:sms:kept']);
    expect(smtp.mails.filter((received) => JSON.stringify(received.to).includes('mia@example.org'))).toHaveLength(1);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#messages li[data-message-status="suppressed"]', { hasText: order.displayId }).waitFor();
    await page.getByRole('button', { name: `Open order ${order.displayId}` }).first().click();
    await page.locator('#drawer-messages li[data-message-status="suppressed"]').waitFor();
    expect(await page.locator('#drawer-messages li').count()).toBe(4);
    expect(await page.locator('#drawer-messages li[data-message-status="suppressed"]').textContent()).toContain('customer opted out');
    expect(await page.locator('#drawer-timeline li[data-event-type="preferences_changed"]').textContent()).toContain('e-mail off');
    await screenshot(page, 'dispatch-drawer-messages');
    expect(problems).toEqual([]);
  }, 120_000);
});
