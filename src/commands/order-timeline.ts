/**
 * The one way commands write an order's timeline: the events, and in the same transaction the outbox messages
 * they cause (e-mail and SMS to the customer, a delivery to each subscribed webhook). A message is idempotent by
 * (event, channel, recipient), so writing it twice keeps one; the sender worker delivers it after commit. A channel
 * the customer opted out of is still composed, written as suppressed: the dispatcher sees what was held back.
 * `links`: tracking links issued in this transaction (order id → path), the only moment their secret is known;
 * later messages carry the link the order's last message of its current code carried.
 */
import type { Repositories } from '../db/repositories';
import { optOutKey } from '../db/repos/opt-outs.repo';
import type { OrderEvent, OrderEventInput } from '../domain/model/order';
import { webhookEventName, type MessagePayload, type OutboxMessageDraft } from '../domain/model/notification';
import { toE164 } from '../domain/phone';
import { localeFor, notificationKindOf, payloadOf } from '../notifications/notification-rules';

export async function writeOrderEvents(repos: Repositories, inputs: OrderEventInput[], links: ReadonlyMap<number, string> = new Map()): Promise<OrderEvent[]> {
  const events = await repos.orderEvents.insertMany(inputs);
  await enqueueNotifications(repos, events, links);
  return events;
}

export async function enqueueNotifications(repos: Repositories, events: OrderEvent[], links: ReadonlyMap<number, string> = new Map()): Promise<number> {
  const told = events.flatMap((event) => {
    const kind = notificationKindOf(event);
    return kind ? [{ event, kind }] : [];
  });
  if (told.length === 0) return 0;
  const orders = new Map((await repos.orders.findByIds(told.map(({ event }) => event.orderId))).map((order) => [order.id, order]));
  const timeZones = await repos.depots.timeZones([...orders.values()].flatMap((order) => (order.depotId === null ? [] : [order.depotId])));
  const webhooks = await repos.webhooks.listActive();
  const sentLinks = await repos.outbox.latestTrackingLinks([...orders.keys()].filter((id) => !links.has(id)));
  const drafts: OutboxMessageDraft[] = [];
  const contacts = [...orders.values()].flatMap((order) => [
    ...(order.customerEmail ? [{ channel: 'email' as const, recipient: order.customerEmail }] : []),
    ...(order.customerPhone && toE164(order.customerPhone) ? [{ channel: 'sms' as const, recipient: toE164(order.customerPhone)! }] : []),
  ]);
  const optedOut = await repos.optOuts.optedOut(contacts);
  for (const { event, kind } of told) {
    const order = orders.get(event.orderId);
    if (!order) continue;
    const stopId = typeof event.data.stopId === 'number' ? event.data.stopId : null;
    const outcome = kind === 'delivered' && stopId !== null ? await repos.proofs.findOutcome(stopId) : null;
    const proof: MessagePayload['proof'] = outcome ? { recipientName: outcome.recipientName ?? null, signature: outcome.signatureBytes > 0, photo: outcome.photoBytes > 0 } : null;
    const sent = sentLinks.get(order.id);
    // A link of an older code (issued again since) no longer opens anything.
    const trackingLink = links.get(order.id) ?? (sent?.startsWith(`/t/${order.trackingCode}.`) ? sent : null);
    const payload = payloadOf(kind, event, order, (order.depotId !== null && timeZones.get(order.depotId)) || 'UTC', proof, trackingLink);
    const base = { eventId: event.id, orderId: order.id, template: kind, locale: localeFor(order), payload, webhookId: null };
    if (order.customerEmail) drafts.push({ ...base, channel: 'email', recipient: order.customerEmail, suppressed: optedOut.has(optOutKey('email', order.customerEmail)) });
    const phone = order.customerPhone ? toE164(order.customerPhone) : null;
    if (phone) drafts.push({ ...base, channel: 'sms', recipient: phone, suppressed: optedOut.has(optOutKey('sms', phone)) });
    for (const webhook of webhooks) {
      if (webhook.events.includes(webhookEventName(kind))) drafts.push({ ...base, channel: 'webhook', recipient: `webhook:${webhook.id}`, webhookId: webhook.id });
    }
  }
  return repos.outbox.insertMany(drafts);
}
