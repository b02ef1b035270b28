import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { apiMount, apiPrefix } from '../../src/http/mount';
import { notificationsMount } from '../../src/http/routes/notifications.routes';
import { trackingMount } from '../../src/http/routes/tracking.routes';
import { emailChannel } from '../../src/notifications/email';
import { smsChannel } from '../../src/notifications/sms';
import { OutboxSender } from '../../src/reactions/outbox-sender';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, chain, type TestApp } from '../helpers/http';
import { linkToken, orderInput } from '../helpers/orders';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './receivers';

const publicUrl = 'https://track.example';

describe.each(testDatabases())('opting out of a channel on $engine', (backend) => {
  let app: TestApp;
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  let email: ReturnType<typeof emailChannel>;
  let sender: OutboxSender;
  let ref = 0;

  const createOrder = async (overrides: Record<string, unknown>) => {
    const reply = await app.request('POST', '/api/v1/orders', { body: orderInput(ref++, overrides) });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const body = reply.body as { id: number; displayId: string; trackingLink: string };
    return { ...body, trackingToken: linkToken(body.trackingLink) };
  };
  const move = async (orderId: number, statuses: string[]) => {
    for (const status of statuses) expect((await app.request('POST', `/api/v1/orders/${orderId}/transitions`, { body: { status } })).status).toBe(200);
  };
  const drain = async () => {
    while ((await sender.sendDue()) > 0);
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    http = await startHttpReceiver(() => Math.floor(Date.now() / 1000));
    let mounted: RequestHandler[] = [];
    app = await startTestApp(backend, { mounts: [{ path: apiPrefix, router: (req, res, next) => chain(mounted, req, res, next) }] });
    mounted = [notificationsMount(app.commands, { publicUrl }).router, trackingMount(app.commands, { linkTtlSeconds: 3600, routing: createHaversineProvider(), publicUrl: 'http://lastmile.example' }).router, apiMount(() => {}).router];
    email = emailChannel({ smtpUrl: smtp.url, from: 'Lastmile <no-reply@lastmile.example>', publicUrl });
    sender = new OutboxSender({ context: app.commands, channels: { email, sms: smsChannel({ smsUrl: `${http.url}/sms`, from: 'Lastmile', publicUrl }) } });
    expect((await app.request('POST', '/api/v1/depots', { body: depotInput })).status).toBe(201);
  });

  afterAll(async () => {
    email.close();
    await app.close();
    await smtp.close();
    await http.close();
  });

  it('puts an unsubscribe link in every message to a customer, pointing at their tracking page', async () => {
    const order = await createOrder({ customerEmail: 'link@example.com', customerPhone: '+44 7700 900123' });
    await drain();
    const mail = smtp.mails.find((received) => JSON.stringify(received.to).includes('link@example.com'));
    expect(mail?.text).toContain(`${publicUrl}/t/${order.trackingToken}?unsubscribe=email`);
    // mailparser gathers the List-* headers under "list".
    expect(JSON.stringify(mail?.headers.get('list'))).toContain(`${publicUrl}/t/${order.trackingToken}?unsubscribe=email`);
    const sms = http.sms.find((received) => received.to === '+447700900123');
    expect(sms?.body).toContain(`${publicUrl}/t/${order.trackingToken}?unsubscribe=sms`);
  });

  it('keeps messages of a channel the customer turned off as suppressed, records the choice, and sends the others', async () => {
    const order = await createOrder({ customerEmail: 'Opt.Out@example.com', customerPhone: '+44 7700 900456' });
    await drain();
    const before = await app.request('GET', `/api/v1/track/${order.trackingToken}/preferences`, { token: null });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ email: true, sms: true, emailAddress: 'O***@example.com', phone: '+44 *** 56' });

    const turnedOff = await app.request('PUT', `/api/v1/track/${order.trackingToken}/preferences`, { token: null, body: { email: false } });
    expect(turnedOff.status, JSON.stringify(turnedOff.body)).toBe(200);
    expect(turnedOff.body).toMatchObject({ email: false, sms: true });
    // Asking again changes nothing and records nothing.
    expect((await app.request('PUT', `/api/v1/track/${order.trackingToken}/preferences`, { token: null, body: { email: false } })).status).toBe(200);

    const mailsBefore = smtp.mails.length;
    const smsBefore = http.sms.length;
    await move(order.id, ['ready', 'planned', 'dispatched']);
    await drain();
    expect(smtp.mails.length).toBe(mailsBefore);
    expect(http.sms.length).toBe(smsBefore + 1);

    const messages = (await app.request('GET', `/api/v1/orders/${order.id}/messages`)).body.items as { channel: string; template: string; status: string; subject: string }[];
    expect(messages.map((message) => `${message.template}:${message.channel}:${message.status}`)).toEqual(['confirmed:email:sent', 'confirmed:sms:sent', 'out_for_delivery:email:suppressed', 'out_for_delivery:sms:sent']);
    // Suppressed is composed all the same: the dispatcher reads what was held back.
    expect(messages[2]!.subject).toContain(order.displayId);

    const events = (await app.request('GET', `/api/v1/orders/${order.id}/events`)).body.items as { type: string; actor: string; data: Record<string, unknown> }[];
    expect(events.filter((event) => event.type === 'preferences_changed')).toEqual([expect.objectContaining({ actor: 'customer', data: { email: false } })]);

    // The address is what opted out: another order to it (written another way) is held back too.
    const other = await createOrder({ customerEmail: 'opt.out@EXAMPLE.com' });
    expect((await repositories(app.database.knex).outbox.listForOrder(other.id)).map((message) => message.status)).toEqual(['suppressed']);

    // Back on: the next message goes out.
    expect((await app.request('PUT', `/api/v1/track/${order.trackingToken}/preferences`, { token: null, body: { email: true } })).body.email).toBe(true);
    await move(order.id, ['out_for_delivery', 'arrived', 'delivered']);
    await drain();
    expect(smtp.mails.filter((mail) => JSON.stringify(mail.to).toLowerCase().includes('opt.out@example.com')).map((mail) => mail.subject)).toEqual([
      `Your order ${order.displayId} is confirmed`,
      `Order ${order.displayId} was delivered`,
    ]);
  });

  it('suppresses what was written and not yet sent when the customer opts out', async () => {
    const order = await createOrder({ customerEmail: 'late@example.com' });
    expect((await app.request('PUT', `/api/v1/track/${order.trackingToken}/preferences`, { token: null, body: { email: false } })).status).toBe(200);
    await drain();
    expect(smtp.mails.some((mail) => JSON.stringify(mail.to).includes('late@example.com'))).toBe(false);
    expect((await repositories(app.database.knex).outbox.listForOrder(order.id)).map((message) => message.status)).toEqual(['suppressed']);
  });

  it('lists recent messages of every order for the message log, filtered by channel and status', async () => {
    const log = await app.request('GET', '/api/v1/messages?limit=500');
    expect(log.status).toBe(200);
    const items = log.body.items as { displayId: string; channel: string; status: string; recipient: string; subject: string; attempts: number }[];
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(items.every((item) => item.displayId.length > 0 && item.subject.length > 0)).toBe(true);
    const ids = (log.body.items as { id: number }[]).map((item) => item.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const suppressed = await app.request('GET', '/api/v1/messages?status=suppressed&channel=email');
    expect(suppressed.body.items.length).toBeGreaterThanOrEqual(3);
    expect(suppressed.body.items.every((item: { status: string; channel: string }) => item.status === 'suppressed' && item.channel === 'email')).toBe(true);
    expect((await app.request('GET', '/api/v1/messages', { token: null })).status).toBe(401);
  });

  it('refuses bad preferences naming the field, and a channel the order has no address for', async () => {
    const order = await createOrder({ customerEmail: 'only-mail@example.com' });
    const put = (body: unknown) => app.request('PUT', `/api/v1/track/${order.trackingToken}/preferences`, { token: null, body });
    const notBoolean = await put({ email: 'no' });
    expect(notBoolean.status).toBe(400);
    expect(notBoolean.body.error.details[0].path).toBe('body.email');
    const unknownChannel = await put({ pigeon: false });
    expect(unknownChannel.status).toBe(400);
    expect(JSON.stringify(unknownChannel.body.error.details)).toContain('pigeon');
    expect((await put({})).status).toBe(400);
    const noPhone = await put({ sms: false, email: false });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.details).toEqual([{ path: 'body.sms', message: 'the order has no phone number' }]);
    // Nothing half-written: e-mail is still on.
    expect((await app.request('GET', `/api/v1/track/${order.trackingToken}/preferences`, { token: null })).body.email).toBe(true);
    expect((await app.request('PUT', '/api/v1/track/not-a-real-token-at-all/preferences', { token: null, body: { email: false } })).status).toBe(404);
  });
});
