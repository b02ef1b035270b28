/**
 * Outbox throughput: N orders are confirmed at once (each an e-mail, an SMS and a signed webhook delivery, written
 * with the orders in their import transaction), then one sender worker delivers everything to local receivers: a real
 * SMTP server (smtp-server, parsed with mailparser), a Twilio-shaped SMS endpoint and a webhook endpoint that checks
 * every signature. The ceiling beside it, measured in the same run: the same messages through the same channels to
 * the same receivers with as many sends in flight per channel, straight from memory, without the outbox (no claim,
 * no lease, no record), after a warm-up neither run counts. Counts by idempotency key prove each message arrived
 * exactly once. Bar: ≥ 200 messages/s.
 *
 *   npx tsx benchmarks/outbox.ts [--orders 1000] [--concurrency 16] [--batch 200] [--database-url postgres://…]
 *
 * PGlite always; PostgreSQL as well with --database-url (or TEST_DATABASE_URL).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { enqueueNotifications } from '../src/commands/order-timeline';
import { repositories } from '../src/db/repositories';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import type { ClaimedMessage, WebhookTarget } from '../src/domain/model/notification';
import type { Channel } from '../src/notifications/channel';
import { emailChannel } from '../src/notifications/email';
import { smsChannel } from '../src/notifications/sms';
import { webhookChannel } from '../src/notifications/webhook';
import { OutboxSender } from '../src/reactions/outbox-sender';
import { testDatabases, type TestBackend } from '../test/helpers/database';
import { orderDraft } from '../test/helpers/orders';
import { startHttpReceiver, startSmtpReceiver } from '../test/notifications/receivers';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, batch: { type: 'string', default: '200' }, 'database-url': { type: 'string' } } });
const orderCount = Number(values.orders);
const concurrency = Number(values.concurrency);
const batchSize = Number(values.batch);
if (values['database-url']) process.env.TEST_DATABASE_URL = values['database-url'];

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');
const smtp = await startSmtpReceiver();
const http = await startHttpReceiver(() => Math.floor(systemClock.nowMs() / 1000));
const publicUrl = 'https://track.example';
const email = emailChannel({ smtpUrl: smtp.url, from: 'Lastmile <no-reply@lastmile.example>', publicUrl });
const channels: Record<ClaimedMessage['channel'], Channel> = {
  email,
  sms: smsChannel({ smsUrl: `${http.url}/sms`, from: 'Lastmile', publicUrl }),
  webhook: webhookChannel({ clock: systemClock }),
};

const resetReceivers = () => {
  smtp.mails.length = 0;
  http.sms.length = 0;
  http.deliveries.length = 0;
};
/** Mails are parsed after the 250 answer is written: wait for the last ones. */
const untilMails = async (count: number) => {
  for (let wait = 0; smtp.mails.length < count && wait < 250; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
};
const received = () => ({ mails: smtp.unique().size, sms: http.uniqueSms().size, webhooks: http.uniqueDeliveries().size, duplicates: smtp.mails.length + http.sms.length + http.deliveries.length - smtp.unique().size - http.uniqueSms().size - http.uniqueDeliveries().size, invalidSignatures: http.deliveries.filter((delivery) => !delivery.validSignature).length });

interface Result {
  engine: string;
  messages: number;
  enqueueMs: number;
  peerMs: number;
  outboxMs: number;
  peer: ReturnType<typeof received>;
  outbox: ReturnType<typeof received>;
  statuses: Record<string, number>;
}

async function measure(backend: TestBackend): Promise<Result> {
  const database = await backend.open();
  const context = { db: database.knex, events: new EventBus(), clock: systemClock };
  const repos = repositories(database.knex);
  const [depot] = await database.knex('depots').insert({ name: 'Bench', lon: 8.67, lat: 49.41, address: 'Heidelberg', time_zone: 'Europe/Berlin', opening_hours: '{}' }).returning('id');
  const webhook = await repos.webhooks.insert({ url: `${http.url}/hook`, events: ['order.confirmed'], secret: 'bench-secret', createdBy: 'bench', nowMs: systemClock.nowMs() });
  http.secret = webhook.secret;

  const enqueueStarted = performance.now();
  await database.knex.transaction(async (trx) => {
    const inTrx = repositories(trx);
    const drafts = Array.from({ length: orderCount }, (_, k) => orderDraft(k, { customerEmail: `customer${k}@example.com`, customerPhone: `+49 6221 ${String(100_000 + k)}` }));
    const written = await inTrx.orders.upsertMany(drafts, { actor: 'bench', depotId: (depot as { id: number }).id });
    await enqueueNotifications(inTrx, await inTrx.orderEvents.createdOf(written.map((result) => result.id)));
  });
  const enqueueMs = performance.now() - enqueueStarted;

  // The ceiling: the same messages as the outbox holds them, sent from memory with as many in flight.
  const target: WebhookTarget = { url: webhook.url, secret: webhook.secret, status: 'active' };
  const messages: ClaimedMessage[] = (await repos.outbox.listRecent({ limit: orderCount * 3 })).reverse().map((message) => ({ ...message, webhook: message.webhookId === null ? null : target }));
  // As many in flight per channel as the sender has.
  const sendDirect = async (list: ClaimedMessage[]) => {
    const lanes = (['email', 'sms', 'webhook'] as const).flatMap((channel) => {
      const queue = list.filter((message) => message.channel === channel);
      const lane = async () => {
        for (let message = queue.shift(); message; message = queue.shift()) await channels[channel].send(message);
      };
      return Array.from({ length: concurrency }, lane);
    });
    await Promise.all(lanes);
  };
  // Warm-up, not counted: connections opened, code compiled, so neither run pays for it.
  await sendDirect(messages.slice(0, 300));
  await untilMails(messages.slice(0, 300).filter((message) => message.channel === 'email').length);
  resetReceivers();
  const peerStarted = performance.now();
  await sendDirect(messages);
  const peerMs = performance.now() - peerStarted;
  await untilMails(orderCount);
  const peer = received();

  resetReceivers();
  const sender = new OutboxSender({ context, channels, concurrency, batchSize });
  const outboxStarted = performance.now();
  while ((await sender.sendDue()) > 0);
  const outboxMs = performance.now() - outboxStarted;
  await untilMails(orderCount);
  const outbox = received();
  const statuses = await repos.outbox.countByStatus();
  await database.dispose();
  return { engine: backend.engine, messages: messages.length, enqueueMs, peerMs, outboxMs, peer, outbox, statuses };
}

const loadBefore = load();
const results: Result[] = [];
for (const backend of testDatabases()) results.push(await measure(backend));
const loadAfter = load();

const rate = (count: number, ms: number) => (count / ms) * 1000;
console.log(`\nOutbox: ${orderCount} orders confirmed per engine (an e-mail, an SMS and a webhook delivery each), ${concurrency} sends in flight per channel, batches of ${batchSize}; load ${loadBefore} → ${loadAfter}\n`);
console.log('| engine | messages | enqueue | ceiling: channels fed directly | outbox | outbox / ceiling | received (mail / SMS / webhook, unique) | duplicates | bad signatures | statuses | bar |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const result of results) {
  const outboxRate = rate(result.messages, result.outboxMs);
  const complete = [result.outbox.mails, result.outbox.sms, result.outbox.webhooks].every((count) => count === orderCount) && result.outbox.invalidSignatures === 0 && result.statuses.sent === result.messages;
  console.log(
    `| ${result.engine} | ${result.messages} | ${result.enqueueMs.toFixed(0)} ms | ${rate(result.messages, result.peerMs).toFixed(0)} msg/s | **${outboxRate.toFixed(0)} msg/s** | ${(result.outboxMs > 0 ? result.peerMs / result.outboxMs : 0).toFixed(2)} | ${result.outbox.mails} / ${result.outbox.sms} / ${result.outbox.webhooks} of ${orderCount} each | ${result.outbox.duplicates} | ${result.outbox.invalidSignatures} | ${JSON.stringify(result.statuses)} | ${!complete ? 'not all delivered' : outboxRate >= 200 ? 'met' : 'missed'} (≥ 200 msg/s) |`,
  );
}

email.close();
await smtp.close();
await http.close();
process.exit(0);
