/**
 * Outbox throughput: N orders are confirmed at once (each an e-mail, an SMS and a signed webhook delivery, written
 * with the orders in their import transaction), then one sender worker delivers everything to local receivers: a real
 * SMTP server (smtp-server, parsed with mailparser), a Twilio-shaped SMS endpoint and a webhook endpoint that checks
 * every signature. Counts by event id prove each message arrived exactly once. Bar: ≥ 200 messages/s.
 *
 *   npx tsx benchmarks/outbox.ts [--orders 1000] [--concurrency 16] [--database-url postgres://…]
 */
import { parseArgs } from 'node:util';
import { enqueueNotifications } from '../src/commands/order-timeline';
import { repositories } from '../src/db/repositories';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { emailChannel } from '../src/notifications/email';
import { smsChannel } from '../src/notifications/sms';
import { webhookChannel } from '../src/notifications/webhook';
import { OutboxSender } from '../src/reactions/outbox-sender';
import { testDatabases } from '../test/helpers/database';
import { orderDraft } from '../test/helpers/orders';
import { startHttpReceiver, startSmtpReceiver } from '../test/notifications/receivers';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, 'database-url': { type: 'string' } } });
const orderCount = Number(values.orders);
const concurrency = Number(values.concurrency);
if (values['database-url']) process.env.TEST_DATABASE_URL = values['database-url'];
const backend = testDatabases().at(values['database-url'] ? 1 : 0)!;

const database = await backend.open();
const smtp = await startSmtpReceiver();
const http = await startHttpReceiver(() => Math.floor(systemClock.nowMs() / 1000));
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
const total = (await repos.outbox.countByStatus()).pending ?? 0;

const publicUrl = 'https://track.example';
const email = emailChannel({ smtpUrl: smtp.url, from: 'Lastmile <no-reply@lastmile.example>', publicUrl });
const sender = new OutboxSender({
  context,
  concurrency,
  batchSize: 200,
  channels: {
    email,
    sms: smsChannel({ smsUrl: `${http.url}/sms`, from: 'Lastmile', publicUrl }),
    webhook: webhookChannel({ clock: systemClock, findWebhook: (id) => repos.webhooks.findById(id) }),
  },
});
const sendStarted = performance.now();
while ((await sender.sendDue()) > 0);
const sendMs = performance.now() - sendStarted;
// The last mails may still be parsed by the receiver.
for (let wait = 0; smtp.mails.length < orderCount && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 20));

const statuses = await repos.outbox.countByStatus();
const uniqueWebhookEvents = new Set(http.deliveries.map((delivery) => delivery.eventId)).size;
const validSignatures = http.deliveries.filter((delivery) => delivery.validSignature).length;
const uniqueMails = new Set(smtp.mails.map((mail) => mail.messageId)).size;
const uniqueSms = new Set(http.sms.map((sms) => sms.to)).size;
const rate = (total / sendMs) * 1000;

console.log(`\nOutbox on ${backend.engine}: ${orderCount} orders confirmed, ${total} messages, concurrency ${concurrency}\n`);
console.log('| measure | value | reference |');
console.log('| --- | --- | --- |');
console.log(`| enqueue (orders + events + messages, one transaction) | ${enqueueMs.toFixed(0)} ms | — |`);
console.log(`| send all to local receivers | ${sendMs.toFixed(0)} ms | — |`);
console.log(`| throughput | **${rate.toFixed(0)} messages/s** | bar ≥ 200 messages/s |`);
console.log(`| e-mails received / unique Message-ID | ${smtp.mails.length} / ${uniqueMails} | ${orderCount} |`);
console.log(`| SMS received / unique numbers | ${http.sms.length} / ${uniqueSms} | ${orderCount} |`);
console.log(`| webhooks received / unique event ids / valid signatures | ${http.deliveries.length} / ${uniqueWebhookEvents} / ${validSignatures} | ${orderCount} |`);
console.log(`| outbox statuses | ${JSON.stringify(statuses)} | all sent |`);

email.close();
await smtp.close();
await http.close();
await database.dispose();
process.exit(0);
