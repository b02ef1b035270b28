/**
 * Exactly once across kill -9. The service runs as it does in production (src/main.ts in a child process, SMTP_URL
 * and SMS_URL set, a webhook registered through its handshake); a day of 300 orders goes through the API: confirmed,
 * vans dispatched, 270 delivered and 30 failed — an e-mail, an SMS and a webhook delivery for each of those events.
 * In the middle of sending the SMS and webhook receivers stop answering (they keep what they read), so the sender is
 * stuck with sends in flight, some of them delivered and none of them recorded; the process is then killed with
 * SIGKILL and started again. The sends that were cut off go out again, with the same keys: receivers deduplicate as
 * providers do (Message-ID for mail, Idempotency-Key for SMS and webhooks), and after that every expected message
 * is there exactly once, counted by event id. The kill point is made, not waited for by luck: it always falls in a
 * window where something was delivered and not marked sent, and the test checks that repeats did arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import knexModule, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, pgliteDirectory } from '../../src/db/database';
import { depotInput } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './receivers';

const adminToken = 'kill-restart-admin-token-0123';
const orderCount = 300;
const failedCount = 30;
const kinds = 3;

interface Engine {
  engine: 'pglite' | 'postgres';
  env(): Record<string, string>;
  /** The outbox as the service left it, read once it has stopped. */
  messages(): Promise<{ id: number; event_id: number; channel: string; status: string; attempts: number }[]>;
  dispose(): Promise<void>;
}

function engines(): { engine: Engine['engine']; open: () => Promise<Engine> }[] {
  const pglite = async (): Promise<Engine> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-kill-'));
    return {
      engine: 'pglite',
      env: () => ({ DATA_DIR: dataDir, DATABASE_URL: '' }),
      async messages() {
        const database = openDatabase({ engine: 'pglite', directory: pgliteDirectory(dataDir) });
        try {
          return await database.knex('outbox_messages').orderBy('id').select('id', 'event_id', 'channel', 'status', 'attempts');
        } finally {
          await database.close();
        }
      },
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  };
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return [{ engine: 'pglite', open: pglite }];
  const postgres = async (): Promise<Engine> => {
    // A database of its own: the service migrates it as it would any empty one.
    const name = `lm_kill_${randomBytes(5).toString('hex')}`;
    const admin = knexModule.knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw('create database ??', [name]);
    const databaseUrl = new URL(url);
    databaseUrl.pathname = `/${name}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-kill-'));
    let reader: Knex | null = null;
    return {
      engine: 'postgres',
      env: () => ({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl.toString() }),
      async messages() {
        reader ??= knexModule.knex({ client: 'pg', connection: databaseUrl.toString(), pool: { min: 0, max: 1 } });
        return reader('outbox_messages').orderBy('id').select('id', 'event_id', 'channel', 'status', 'attempts');
      },
      async dispose() {
        await reader?.destroy();
        await admin.raw('drop database if exists ?? with (force)', [name]);
        await admin.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };
  return [
    { engine: 'pglite', open: pglite },
    { engine: 'postgres', open: postgres },
  ];
}

describe.each(engines())('exactly once across kill -9 on $engine', ({ open }) => {
  let engine: Engine;
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    engine = await open();
    smtp = await startSmtpReceiver();
    http = await startHttpReceiver(() => Math.floor(Date.now() / 1000));
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await smtp?.close();
    await http?.close();
    await engine?.dispose();
  });

  /** Starts the service and answers its URL once it listens. */
  const start = async (): Promise<string> => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_TOKEN: adminToken,
        SEED_DEMO: 'false',
        ROUTING: 'haversine',
        LOG_LEVEL: 'warn',
        SMTP_URL: smtp.url,
        SMS_URL: `${http.url.replace('://', '://AC123:secret@')}/sms`,
        PUBLIC_URL: 'https://track.example',
        OUTBOX_LEASE_SECONDS: '5',
        ...engine.env(),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for await (const line of createInterface({ input: child.stdout! })) {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) return match[1]!;
    }
    throw new Error('the service exited before listening');
  };

  it('delivers every message of a 300-order day to SMTP, SMS and webhook receivers exactly once, counted by event id', async () => {
    const url = await start();
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const registered = await api('POST', '/webhooks', { url: `${http.url}/hook`, events: ['order.confirmed', 'order.out_for_delivery', 'order.delivered', 'order.failed'] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    http.secret = registered.body.secret;
    const depot = await api('POST', '/depots', depotInput);
    expect(depot.status).toBe(201);
    const orders = Array.from({ length: orderCount }, (_, k) =>
      orderInput(k, { externalRef: `day-${k}`, customerEmail: `customer${k}@example.com`, customerPhone: `+44 7700 900${String(k).padStart(3, '0')}`, depotId: depot.body.id } as never),
    );
    const imported = await api('POST', '/orders/import?source=day', orders);
    expect(imported.body).toMatchObject({ created: orderCount, rejected: [] });
    const ids = ((await api('GET', `/orders?depotId=${depot.body.id}&limit=500`)).body.items as { id: number }[]).map((order) => order.id).sort((a, b) => a - b);
    expect(ids).toHaveLength(orderCount);
    const move = async (orderIds: number[], status: string) => {
      const reply = await api('POST', '/orders/transitions', { orderIds, status, ...(status === 'failed' ? { reason: 'nobody home' } : {}) });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.moved).toHaveLength(orderIds.length);
    };
    for (const status of ['ready', 'planned', 'dispatched', 'out_for_delivery', 'arrived']) await move(ids, status);
    await move(ids.slice(failedCount), 'delivered');
    await move(ids.slice(0, failedCount), 'failed');

    // From a few more accepted requests on, the SMS and webhook receivers read and hold: the sender is mid-batch.
    const held = http.holdAfter(http.sms.length + http.deliveries.length + 40);
    await held;
    const exited = once(child!, 'exit');
    child!.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    // What they read before the kill counts as delivered, as it would at a provider that got the whole request.
    http.release();
    const atKill = { mails: smtp.unique().size, sms: http.uniqueSms().size, webhooks: http.uniqueDeliveries().size };
    // Until the kill nothing arrived twice: a repeat is only ever a send whose outcome the killed process lost.
    expect([smtp.mails.length, http.sms.length, http.deliveries.length]).toEqual([atKill.mails, atKill.sms, atKill.webhooks]);
    const expected = orderCount * kinds;
    expect(atKill.sms + atKill.webhooks).toBeLessThan(2 * expected);

    const restarted = await start();
    expect(restarted).toMatch(/^http:/);
    const complete = () => smtp.unique().size >= expected && http.uniqueSms().size >= expected && http.uniqueDeliveries().size >= expected;
    for (let wait = 0; !complete() && wait < 1200; wait++) await new Promise((resolve) => setTimeout(resolve, 250));
    const stopped = once(child!, 'exit');
    child!.kill('SIGTERM');
    await stopped;
    child = null;

    // The outbox: every message sent; its rows say which event each one told.
    const messages = await engine.messages();
    expect(messages).toHaveLength(3 * expected);
    expect(messages.filter((message) => message.status !== 'sent')).toEqual([]);
    const eventOf = new Map(messages.map((message) => [`lastmile-msg-${message.id}`, `${message.channel}:evt_${message.event_id}`]));
    const expectedKeys = [...eventOf.values()].sort();

    // Each receiver, deduplicated on its key, has each expected event exactly once.
    const mailEvents = [...smtp.unique().values()].map((mail) => `email:${String(mail.headers.get('x-lastmile-event-id'))}`);
    const smsEvents = [...http.uniqueSms().keys()].map((key) => eventOf.get(key));
    const webhookEvents = [...http.uniqueDeliveries().values()].map((delivery) => `webhook:${delivery.eventId}`);
    expect([...mailEvents, ...smsEvents, ...webhookEvents].sort()).toEqual(expectedKeys);
    // The keys and the events agree: one Message-ID / Idempotency-Key per event and channel, never two.
    expect(new Set(mailEvents).size).toBe(expected);
    expect(new Set(webhookEvents).size).toBe(expected);
    for (const delivery of http.uniqueDeliveries().values()) expect(eventOf.get(delivery.idempotencyKey!)).toBe(`webhook:${delivery.eventId}`);
    for (const mail of smtp.unique().values()) expect(eventOf.get(String(mail.messageId).replace(/^<|@.*$/g, ''))).toBe(`email:${String(mail.headers.get('x-lastmile-event-id'))}`);

    // The kill did cut sends off: some arrived twice, each repeat the same message with the same key.
    const repeats = smtp.mails.length - expected + (http.sms.length - expected) + (http.deliveries.length - expected);
    expect(repeats).toBeGreaterThan(0);
    for (const sms of http.sms) expect(sms.body).toBe(http.uniqueSms().get(sms.idempotencyKey!)!.body);
    for (const delivery of http.deliveries) expect(delivery.body).toBe(http.uniqueDeliveries().get(delivery.idempotencyKey!)!.body);
    for (const mail of smtp.mails) expect(mail.text).toBe(smtp.unique().get(mail.messageId!)!.text);

    // Every webhook delivery signed; each order's events in order, also across the restart.
    expect(http.deliveries.every((delivery) => delivery.validSignature)).toBe(true);
    for (const [index, orderId] of ids.entries()) {
      const types = [...http.uniqueDeliveries().values()].filter((delivery) => delivery.orderId === orderId).map((delivery) => delivery.type);
      expect(types).toEqual(['order.confirmed', 'order.out_for_delivery', index < failedCount ? 'order.failed' : 'order.delivered']);
    }
    console.info(
      `kill -9 on ${engine.engine}: expected ${expected} per receiver; unique at the kill mail ${atKill.mails} / SMS ${atKill.sms} / webhook ${atKill.webhooks}; ` +
        `received mail ${smtp.mails.length} / SMS ${http.sms.length} / webhook ${http.deliveries.length} (repeats ${repeats}); unique ${smtp.unique().size} / ${http.uniqueSms().size} / ${http.uniqueDeliveries().size}`,
    );
  }, 600_000);
});
