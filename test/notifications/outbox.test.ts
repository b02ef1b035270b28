import type { RequestHandler } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueTrackingLink } from '../../src/commands/issue-tracking-link';
import { enqueueNotifications } from '../../src/commands/order-timeline';
import { rescheduleOrder } from '../../src/commands/reschedule-order';
import { repositories } from '../../src/db/repositories';
import { apiMount, apiPrefix } from '../../src/http/mount';
import { notificationsMount } from '../../src/http/routes/notifications.routes';
import type { Channel } from '../../src/notifications/channel';
import { emailChannel } from '../../src/notifications/email';
import { smsChannel } from '../../src/notifications/sms';
import { webhookChannel } from '../../src/notifications/webhook';
import { trackedPositions } from '../../src/planning/tracked-positions';
import { OutboxSender } from '../../src/reactions/outbox-sender';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { ChannelName } from '../../src/domain/model/notification';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, chain, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './receivers';

const publicUrl = 'https://track.example';
const toDelivered = ['ready', 'planned', 'dispatched', 'out_for_delivery', 'arrived', 'delivered'];
const toFailed = ['ready', 'planned', 'dispatched', 'out_for_delivery', 'arrived', 'failed'];

describe.each(testDatabases())('notifications through the outbox on $engine', (backend) => {
  let app: TestApp;
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  let nowMs = Date.parse('2026-11-23T15:00:00Z');
  const clock = { nowMs: () => nowMs };
  let channels: Record<ChannelName, Channel>;
  let email: ReturnType<typeof emailChannel>;
  let webhookId: number;
  let ref = 0;

  const sender = (options: Partial<ConstructorParameters<typeof OutboxSender>[0]> = {}) =>
    new OutboxSender({ context: app.commands, channels, retry: { webhook: { firstDelaySeconds: 10 } }, ...options });

  /** Sends until nothing is due, moving the clock past each backoff. */
  const drain = async (worker = sender()) => {
    for (let round = 0; round < 60; round++) {
      if ((await worker.sendDue()) === 0) {
        const due = await repositories(app.database.knex).outbox.countByStatus();
        if (!due.failed && !due.pending) return;
        nowMs += 5 * 60_000;
      }
    }
    throw new Error('the outbox did not drain');
  };

  const createOrder = async (overrides: Record<string, unknown>) => {
    const reply = await app.request('POST', '/api/v1/orders', { body: orderInput(ref++, overrides) });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as { id: number; displayId: string; trackingLink: string };
  };
  const move = async (orderId: number, statuses: string[]) => {
    for (const status of statuses) expect((await app.request('POST', `/api/v1/orders/${orderId}/transitions`, { body: { status, reason: status === 'failed' ? 'nobody home' : undefined } })).status).toBe(200);
  };
  const messagesOf = async (orderId: number) => (await repositories(app.database.knex).outbox.listForOrder(orderId));

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    http = await startHttpReceiver(() => Math.floor(nowMs / 1000));
    let mounted: RequestHandler[] = [];
    app = await startTestApp(backend, { mounts: [{ path: apiPrefix, router: (req, res, next) => chain(mounted, req, res, next) }], clock });
    mounted = [notificationsMount(app.commands, { publicUrl }).router, apiMount(() => {}).router];
    email = emailChannel({ smtpUrl: smtp.url, from: 'Lastmile <no-reply@lastmile.example>', publicUrl });
    channels = {
      email,
      sms: smsChannel({ smsUrl: `${http.url.replace('://', '://AC123:secret@')}/sms`, from: '+15005550006', publicUrl }),
      webhook: webhookChannel({ clock }),
    };
    expect((await app.request('POST', '/api/v1/depots', { body: depotInput })).status).toBe(201);
    const registered = await app.request('POST', '/api/v1/webhooks', { body: { url: `${http.url}/hook`, events: ['order.confirmed', 'order.out_for_delivery', 'order.delivered', 'order.failed', 'order.rescheduled'] } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    webhookId = registered.body.id;
    http.secret = registered.body.secret;
  });

  afterAll(async () => {
    email.close();
    await app.close();
    await smtp.close();
    await http.close();
  });

  beforeEach(async () => {
    await drain();
    smtp.mails.length = 0;
    http.sms.length = 0;
    http.deliveries.length = 0;
  });

  it('carries the tracking link issued with the order in its confirmation and later messages, and the new one once issued again', async () => {
    const order = await createOrder({ customerEmail: 'linked@example.com' });
    await move(order.id, ['ready', 'planned', 'dispatched']);
    await drain();
    const mailsTo = () => smtp.mails.filter((mail) => JSON.stringify(mail.to).includes('linked@example.com'));
    expect(mailsTo().map((mail) => (mail.text ?? '').includes(`${publicUrl}${order.trackingLink}`))).toEqual([true, true]);

    const issued = await issueTrackingLink(app.commands, order.id, { actor: 'user:1', role: 'admin', userId: 1, vehicleId: null } as never);
    expect(issued.path).not.toBe(order.trackingLink);
    await move(order.id, ['out_for_delivery', 'arrived', 'delivered']);
    await drain();
    const later = mailsTo().slice(2);
    // The new link went out as a confirmation, and the delivery message carries it, not the old one.
    expect(later.map((mail) => mail.subject)).toEqual([`Your order ${order.displayId} is confirmed`, `Order ${order.displayId} was delivered`]);
    for (const mail of later) {
      expect(mail.text).toContain(`${publicUrl}${issued.path}`);
      expect(mail.text).not.toContain(order.trackingLink);
    }
  });

  it('sends one message per event and channel through a whole order lifecycle, in the customer\'s language and the depot\'s time', async () => {
    const german = await createOrder({ customerEmail: 'kunde@example.de', customerPhone: '06221 1234567' });
    const english = await createOrder({ customerEmail: 'customer@example.com', customerPhone: '+44 20 7946 0958' });
    await move(german.id, toDelivered);
    await move(english.id, toFailed);
    await rescheduleOrder({ context: app.commands, routing: createHaversineProvider(), positions: trackedPositions }, english.id, { timeWindows: [{ start: '2026-11-25T14:00:00+01:00', end: '2026-11-25T16:00:00+01:00' }] }, { actor: 'user:1', role: 'admin', userId: 1, vehicleId: null } as never);
    await drain();
    // Enqueueing the same events again changes nothing: idempotent by (event, channel, recipient).
    const repos = repositories(app.database.knex);
    expect(await enqueueNotifications(repos, [...(await repos.orderEvents.listForOrder(german.id)), ...(await repos.orderEvents.listForOrder(english.id))])).toBe(0);
    await drain();

    const germanMails = smtp.mails.filter((mail) => mail.to && JSON.stringify(mail.to).includes('kunde@example.de'));
    expect(germanMails.map((mail) => mail.subject)).toEqual([
      `Ihre Bestellung ${german.displayId} ist bestätigt`,
      `Bestellung ${german.displayId} ist unterwegs`,
      `Bestellung ${german.displayId} wurde zugestellt`,
    ]);
    // 09:00–12:00 in Heidelberg although the server's clock and the stored times are UTC.
    expect(germanMails[0]!.text).toContain('zwischen 09:00 und 12:00');
    expect(germanMails[0]!.text).toContain(`${publicUrl}/t/`);
    const englishMails = smtp.mails.filter((mail) => JSON.stringify(mail.to).includes('customer@example.com'));
    expect(englishMails.map((mail) => mail.subject)).toEqual([
      `Your order ${english.displayId} is confirmed`,
      `Order ${english.displayId} is out for delivery`,
      `We could not deliver order ${english.displayId}`,
      `New delivery time for order ${english.displayId}`,
    ]);
    expect(englishMails[2]!.text).toContain('nobody home');
    expect(englishMails[3]!.text).toContain('between 14:00 and 16:00');

    expect(http.sms.filter((sms) => sms.to === '+4962211234567')).toHaveLength(3);
    expect(http.sms.filter((sms) => sms.to === '+442079460958')).toHaveLength(4);
    expect(http.sms.every((sms) => sms.authorization === `Basic ${Buffer.from('AC123:secret').toString('base64')}` && sms.from === '+15005550006')).toBe(true);

    expect(http.deliveries).toHaveLength(7);
    expect(new Set(http.deliveries.map((delivery) => delivery.eventId)).size).toBe(7);
    expect(http.deliveries.every((delivery) => delivery.validSignature)).toBe(true);
    expect(http.deliveries.filter((delivery) => delivery.orderId === german.id).map((delivery) => delivery.type)).toEqual(['order.confirmed', 'order.out_for_delivery', 'order.delivered']);

    const messages = await messagesOf(german.id);
    expect(messages.map((message) => `${message.channel}:${message.status}`).sort()).toEqual(['email:sent', 'email:sent', 'email:sent', 'sms:sent', 'sms:sent', 'sms:sent', 'webhook:sent', 'webhook:sent', 'webhook:sent']);
    const listed = await app.request('GET', `/api/v1/orders/${german.id}/messages`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(9);
    expect(listed.body.items[0].attemptLog).toHaveLength(1);
  });

  it('delivers every event in order per order to a webhook receiver that fails and then recovers', async () => {
    const orders = [await createOrder({}), await createOrder({}), await createOrder({})];
    for (const order of orders) await move(order.id, toDelivered);
    http.failNext(12);
    await drain();
    const perOrder = orders.map((order) => http.deliveries.filter((delivery) => delivery.orderId === order.id).map((delivery) => delivery.type));
    for (const types of perOrder) expect(types).toEqual(['order.confirmed', 'order.out_for_delivery', 'order.delivered']);
    expect(new Set(http.deliveries.map((delivery) => delivery.eventId)).size).toBe(http.deliveries.length);
    expect(http.deliveries.every((delivery) => delivery.validSignature)).toBe(true);
    const log = await app.request('GET', `/api/v1/webhooks/${webhookId}/deliveries`);
    const retried = log.body.items.filter((item: { attemptLog: { ok: boolean; statusCode: number | null }[] }) => item.attemptLog.some((attempt) => !attempt.ok));
    expect(retried.length).toBeGreaterThan(0);
    expect(retried[0].attemptLog.find((attempt: { ok: boolean }) => !attempt.ok).statusCode).toBe(503);
    expect(retried.every((item: { status: string }) => item.status === 'sent')).toBe(true);
  });

  it('sends nothing twice across a restart: a stopped worker finishes its sends, a dead one\'s lease runs out', async () => {
    const orders = [];
    for (let k = 0; k < 6; k++) orders.push(await createOrder({ customerEmail: `restart${k}@example.com` }));
    http.delayMs = 100;
    const first = sender({ concurrency: 2, batchSize: 4, pollMs: 10 });
    first.start();
    while (http.deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.stop();
    http.delayMs = 0;
    // A worker that claimed and died: its messages wait for their lease, then another worker sends them.
    const more = [await createOrder({ customerEmail: 'crash@example.com' })];
    const claimed = await repositories(app.database.knex).outbox.claimDue('killed-worker', nowMs, 60, 100);
    expect(claimed.length).toBeGreaterThan(0);
    const second = sender();
    await second.sendDue();
    expect(http.deliveries.filter((delivery) => delivery.orderId === more[0]!.id)).toHaveLength(0);
    nowMs += 61_000;
    await drain(second);
    const all = [...orders, ...more];
    const webhookEvents = http.deliveries.filter((delivery) => all.some((order) => order.id === delivery.orderId)).map((delivery) => delivery.eventId);
    expect(webhookEvents).toHaveLength(all.length);
    expect(new Set(webhookEvents).size).toBe(all.length);
    const mails = smtp.mails.map((mail) => String(JSON.stringify(mail.to)));
    for (const order of all) expect((await messagesOf(order.id)).every((message) => message.status === 'sent')).toBe(true);
    expect(mails).toHaveLength(all.length);
  });

  it('gives back what it claimed and did not start when stopped; on a database of its own, a killed process\'s claims are due at start', async () => {
    const orders = [await createOrder({ customerPhone: '+44 7700 900101' }), await createOrder({ customerPhone: '+44 7700 900102' }), await createOrder({ customerPhone: '+44 7700 900103' })];
    // One send per channel at a time, and the SMS and webhook receivers hold the first ones: the rest wait queued.
    const held = http.holdAfter(0);
    const worker = sender({ concurrency: 1, batchSize: 20, pollMs: 10 });
    worker.start();
    await held;
    const stopped = worker.stop();
    http.release();
    await stopped;
    const repos = repositories(app.database.knex);
    const left = (await Promise.all(orders.map((order) => messagesOf(order.id)))).flat().filter((message) => message.status === 'pending');
    expect(left.length).toBeGreaterThan(0);
    // Due again at once, by any worker, their claim not counted as an attempt.
    const reclaimed = await repos.outbox.claimDue('another-worker', nowMs, 60, 100);
    expect(reclaimed.map((message) => message.id).sort()).toEqual(left.map((message) => message.id).sort());
    expect(reclaimed.every((message) => message.attempts === 1)).toBe(true);

    // 'another-worker' was killed holding them. PGlite is this process's alone: a sender starting on it sends them now.
    const restarted = sender({ exclusiveDatabase: true, pollMs: 10 });
    restarted.start();
    for (let wait = 0; wait < 500 && (await repos.outbox.countByStatus()).pending; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    await restarted.stop();
    for (const order of orders) expect((await messagesOf(order.id)).map((message) => `${message.channel}:${message.status}`)).toEqual(['sms:sent', 'webhook:sent']);
    const sms = http.uniqueSms();
    expect(orders.map((order) => http.sms.filter((message) => message.to === `+447700900${String(101 + orders.indexOf(order))}`).length)).toEqual([1, 1, 1]);
    expect(sms.size).toBe(http.sms.length);
  });

  it('keeps the messages of channels without a provider, composed and listed', async () => {
    const order = await createOrder({ customerEmail: 'kept@example.com', customerPhone: '+49 6221 555000' });
    await drain(sender({ channels: { webhook: channels.webhook } }));
    const listed = await app.request('GET', `/api/v1/orders/${order.id}/messages`);
    const byChannel = Object.fromEntries(listed.body.items.map((item: { channel: string }) => [item.channel, item]));
    expect(byChannel.email.status).toBe('kept');
    expect(byChannel.email.subject).toBe(`Ihre Bestellung ${order.displayId} ist bestätigt`);
    expect(byChannel.sms.status).toBe('kept');
    expect(byChannel.sms.recipient).toBe('+496221555000');
    expect(byChannel.webhook.status).toBe('sent');
    expect(smtp.mails).toHaveLength(0);
  });

  it('gives up after the last attempt, disables a webhook whose deliveries keep dying, and re-sends on request', async () => {
    const failing = sender({ retry: { webhook: { maxAttempts: 2, firstDelaySeconds: 1 } }, disableWebhookAfterDead: 2 });
    http.failNext(1000);
    const orders = [await createOrder({}), await createOrder({})];
    await drain(failing);
    const dead = (await messagesOf(orders[0]!.id)).find((message) => message.channel === 'webhook')!;
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(2);
    expect((await app.request('GET', '/api/v1/webhooks')).body.items[0].status).toBe('disabled');
    // Disabled: new events are written for the active webhooks only.
    const later = await createOrder({});
    expect((await messagesOf(later.id)).some((message) => message.channel === 'webhook')).toBe(false);

    http.failNext(0);
    const resent = await app.request('POST', `/api/v1/webhooks/${webhookId}/deliveries/${dead.id}/resend`);
    expect(resent.status).toBe(202);
    await drain();
    expect(http.deliveries.map((delivery) => delivery.eventId)).toEqual([`evt_${dead.eventId}`]);
    expect((await app.request('GET', '/api/v1/webhooks')).body.items[0].status).toBe('active');
    expect((await app.request('POST', `/api/v1/webhooks/${webhookId}/deliveries/999999/resend`)).status).toBe(404);
  });

  it('refuses bad input with a 400 naming the field, writing nothing', async () => {
    const repos = repositories(app.database.knex);
    const counts = async () => ({
      orders: Number((await app.database.knex('orders').count('* as n').first())!.n),
      events: Number((await app.database.knex('order_events').count('* as n').first())!.n),
      webhooks: (await repos.webhooks.list()).length,
      messages: Object.values(await repos.outbox.countByStatus()).reduce((sum, n) => sum + n, 0),
    });
    const existing = await createOrder({ customerEmail: 'kept-as-is@example.com' });
    const before = await counts();
    const patched = await app.request('PATCH', `/api/v1/orders/${existing.id}`, { body: { customerEmail: 'still not an address', customerName: 'Changed' } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details.map((detail: { path: string }) => detail.path)).toContain('body.customerEmail');
    const badPhone = await app.request('PATCH', `/api/v1/orders/${existing.id}`, { body: { customerPhone: '+49 12' } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.details.map((detail: { path: string }) => detail.path)).toContain('body.customerPhone');
    expect((await app.request('GET', `/api/v1/orders/${existing.id}`)).body).toMatchObject({ customerEmail: 'kept-as-is@example.com' });
    const phone = await app.request('POST', '/api/v1/orders', { body: orderInput(ref++, { customerPhone: '12' }) });
    expect(phone.status).toBe(400);
    expect(phone.body.error.details.map((detail: { path: string }) => detail.path)).toContain('body.customerPhone');
    const mail = await app.request('POST', '/api/v1/orders', { body: orderInput(ref++, { customerEmail: 'not-an-address' }) });
    expect(mail.status).toBe(400);
    expect(mail.body.error.details.map((detail: { path: string }) => detail.path)).toContain('body.customerEmail');
    const ftp = await app.request('POST', '/api/v1/webhooks', { body: { url: 'ftp://example.com/hook', events: ['order.delivered'] } });
    expect(ftp.status).toBe(400);
    expect(ftp.body.error.details[0].path).toBe('body.url');
    const unknownEvent = await app.request('POST', '/api/v1/webhooks', { body: { url: `${http.url}/hook`, events: ['order.exploded'] } });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error.details[0].path).toMatch(/^body\.events/);
    http.wrongChallenge = true;
    const unverified = await app.request('POST', '/api/v1/webhooks', { body: { url: `${http.url}/hook`, events: ['order.delivered'] } });
    http.wrongChallenge = false;
    expect(unverified.status).toBe(400);
    expect(unverified.body.error.details[0]).toEqual({ path: 'url', message: 'verification failed: the answer did not echo the check parameter' });
    // No order, event, message or webhook from any of them; the order refused an edit is as it was.
    expect(await counts()).toEqual(before);
    expect((await app.request('GET', `/api/v1/orders/${existing.id}`)).body.customerName).not.toBe('Changed');
  });
});
