/**
 * A webhook receiver that is down for ten minutes, then recovers: every event still arrives, once, in order per order,
 * each with a valid signature. The ten minutes run on the injected clock (the sender's backoff, the signature's
 * timestamp and the receiver's replay check all read it), so the retries happen as they would, without real waiting.
 */
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import { apiMount, apiPrefix } from '../../src/http/mount';
import { notificationsMount } from '../../src/http/routes/notifications.routes';
import { webhookChannel } from '../../src/notifications/webhook';
import { OutboxSender } from '../../src/reactions/outbox-sender';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, chain, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startHttpReceiver, type HttpReceiver } from './receivers';

const orderCount = 20;
const stepSeconds = 10;
const outageSeconds = 10 * 60;

describe.each(testDatabases())('a webhook receiver down for ten minutes on $engine', (backend) => {
  let app: TestApp;
  let http: HttpReceiver;
  const startMs = Date.parse('2026-11-23T15:00:00Z');
  let nowMs = startMs;
  const clock = { nowMs: () => nowMs };

  beforeAll(async () => {
    http = await startHttpReceiver(() => Math.floor(nowMs / 1000));
    let mounted: RequestHandler[] = [];
    app = await startTestApp(backend, { mounts: [{ path: apiPrefix, router: (req, res, next) => chain(mounted, req, res, next) }], clock });
    mounted = [notificationsMount(app.commands, { publicUrl: 'https://track.example' }).router, apiMount(() => {}).router];
  });

  afterAll(async () => {
    await app?.close();
    await http?.close();
  });

  it('gets every event once, in order per order, with valid signatures, retried on the clock with backoff', async () => {
    expect((await app.request('POST', '/api/v1/depots', { body: depotInput })).status).toBe(201);
    const registered = await app.request('POST', '/api/v1/webhooks', { body: { url: `${http.url}/hook`, events: ['order.confirmed', 'order.out_for_delivery', 'order.delivered', 'order.failed'] } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    http.secret = registered.body.secret;
    // The default policy: 30 s, 1, 2, 4, 8 minutes … for 24 hours.
    const sender = new OutboxSender({ context: app.commands, channels: { webhook: webhookChannel({ clock }) } });

    const orderIds: number[] = [];
    const transition = async (ids: number[], status: string) => {
      const reply = await app.request('POST', '/api/v1/orders/transitions', { body: { orderIds: ids, status, reason: status === 'failed' ? 'nobody home' : undefined } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.moved).toHaveLength(ids.length);
    };
    // The day goes on during the outage: orders come in, vans leave, deliveries succeed and fail.
    const schedule = new Map<number, () => Promise<void>>([
      [0, async () => {
        for (let k = 0; k < orderCount; k++) {
          const created = await app.request('POST', '/api/v1/orders', { body: orderInput(k) });
          expect(created.status).toBe(201);
          orderIds.push(created.body.id);
        }
      }],
      [120, () => transition(orderIds, 'ready')],
      [130, () => transition(orderIds, 'planned')],
      [180, () => transition(orderIds, 'dispatched')],
      [300, () => transition(orderIds, 'out_for_delivery')],
      [360, () => transition(orderIds, 'arrived')],
      [420, () => transition(orderIds.slice(0, orderCount - 3), 'delivered')],
      [480, () => transition(orderIds.slice(orderCount - 3), 'failed')],
    ]);

    let deliveredDuringOutage = 0;
    for (let elapsed = 0; elapsed <= 60 * 60; elapsed += stepSeconds) {
      nowMs = startMs + elapsed * 1000;
      // Down from the first second: refusing with 503 for five minutes, then not even answering.
      http.down = elapsed < outageSeconds ? (elapsed < outageSeconds / 2 ? '503' : 'closed') : null;
      await schedule.get(elapsed)?.();
      await sender.sendDue();
      if (elapsed < outageSeconds) deliveredDuringOutage = http.deliveries.length;
      const statuses = await repositories(app.database.knex).outbox.countByStatus();
      if (elapsed > outageSeconds && !statuses.pending && !statuses.failed) break;
    }
    const repos = repositories(app.database.knex);
    expect(await repos.outbox.countByStatus()).toEqual({ sent: orderCount * 3 });
    expect(deliveredDuringOutage).toBe(0);
    expect(http.refused).toBeGreaterThan(0);

    // Each event once, each signature valid (checked against the receiver's clock, within five minutes).
    expect(http.deliveries).toHaveLength(orderCount * 3);
    expect(new Set(http.deliveries.map((delivery) => delivery.eventId)).size).toBe(orderCount * 3);
    expect(http.uniqueDeliveries().size).toBe(orderCount * 3);
    expect(http.deliveries.every((delivery) => delivery.validSignature)).toBe(true);
    for (const [index, orderId] of orderIds.entries()) {
      const last = index < orderCount - 3 ? 'order.delivered' : 'order.failed';
      expect(http.deliveries.filter((delivery) => delivery.orderId === orderId).map((delivery) => delivery.type)).toEqual(['order.confirmed', 'order.out_for_delivery', last]);
    }

    // While an order's earlier event was retrying, its later ones were not even tried: nothing overtook.
    for (const orderId of orderIds) {
      const messages = (await repos.outbox.listForOrder(orderId)).filter((message) => message.channel === 'webhook');
      const attempts = await repos.outbox.attemptsOf(messages.map((message) => message.id));
      for (let k = 1; k < messages.length; k++) {
        const firstTry = attempts.get(messages[k]!.id)![0]!.startedAt.getTime();
        expect(firstTry).toBeGreaterThanOrEqual(messages[k - 1]!.sentAt!.getTime());
      }
    }
    // The first confirmation was tried at 0 s, then after 30 s, 1, 2, 4 and 8 minutes: the sixth try, after the
    // outage, got through.
    const first = (await repos.outbox.listForOrder(orderIds[0]!)).find((message) => message.channel === 'webhook')!;
    const tries = (await repos.outbox.attemptsOf([first.id])).get(first.id)!;
    expect(tries.map((attempt) => (attempt.startedAt.getTime() - startMs) / 1000)).toEqual([0, 30, 90, 210, 450, 930]);
    expect(tries.map((attempt) => attempt.ok)).toEqual([false, false, false, false, false, true]);
    expect(tries.slice(0, 3).every((attempt) => attempt.statusCode === 503)).toBe(true);
    expect(tries[4]!.error).toMatch(/request failed/);
    expect((await app.request('GET', '/api/v1/webhooks')).body.items[0]).toMatchObject({ status: 'active' });
  });
});
