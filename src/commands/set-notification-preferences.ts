/**
 * The customer turns e-mail or SMS on or off through their tracking link. The choice is kept by address (an
 * unsubscribe holds for every order sent there), recorded as an order event, and what is written and not yet sent
 * on a channel turned off is suppressed in the same transaction.
 */
import { nowEpochSeconds } from '../domain/clock';
import type { ChannelPreferences, CustomerChannel } from '../domain/model/notification';
import type { Order } from '../domain/model/order';
import { toE164 } from '../domain/phone';
import { invalidInput } from '../errors';
import type { PreferencesInput } from '../protocol/notifications';
import { openTrackingLink } from '../tracking/tracking-link';
import type { Repositories } from '../db/repositories';
import { optOutKey } from '../db/repos/opt-outs.repo';
import { inTransaction, type CommandContext } from './context';
import { writeOrderEvents } from './order-timeline';

/** The order's address per customer channel, as the outbox writes it; null: the order has none. */
export function recipientsOf(order: Pick<Order, 'customerEmail' | 'customerPhone'>): Record<CustomerChannel, string | null> {
  return { email: order.customerEmail, sms: order.customerPhone ? toE164(order.customerPhone) : null };
}

export async function preferencesOf(repos: Repositories, order: Order): Promise<ChannelPreferences> {
  const recipients = recipientsOf(order);
  const pairs = (['email', 'sms'] as const).flatMap((channel) => (recipients[channel] ? [{ channel, recipient: recipients[channel] }] : []));
  const optedOut = await repos.optOuts.optedOut(pairs);
  return {
    email: !recipients.email || !optedOut.has(optOutKey('email', recipients.email)),
    sms: !recipients.sms || !optedOut.has(optOutKey('sms', recipients.sms)),
  };
}

export async function setNotificationPreferences(context: CommandContext, token: string, input: PreferencesInput, linkTtlSeconds: number): Promise<{ order: Order; preferences: ChannelPreferences }> {
  return inTransaction(context, async (repos) => {
    const { order } = await openTrackingLink(repos, token, nowEpochSeconds(context.clock), linkTtlSeconds);
    const recipients = recipientsOf(order);
    const asked = (['email', 'sms'] as const).filter((channel) => input[channel] !== undefined);
    const missing = asked.filter((channel) => !recipients[channel]);
    if (missing.length > 0) throw invalidInput('The order cannot be reached on that channel', missing.map((channel) => ({ path: `body.${channel}`, message: channel === 'email' ? 'the order has no e-mail address' : 'the order has no phone number' })));
    const before = await preferencesOf(repos, order);
    const changed = asked.filter((channel) => before[channel] !== input[channel]);
    for (const channel of changed) {
      const recipient = recipients[channel]!;
      if (input[channel]) await repos.optOuts.optIn(channel, recipient);
      else {
        await repos.optOuts.optOut(channel, recipient, order.id, context.clock.nowMs());
        await repos.outbox.suppressUnsent(channel, [recipient]);
      }
    }
    const preferences = { ...before, ...Object.fromEntries(changed.map((channel) => [channel, input[channel]!])) } as ChannelPreferences;
    if (changed.length > 0) await writeOrderEvents(repos, [{ orderId: order.id, type: 'preferences_changed', actor: 'customer', data: Object.fromEntries(changed.map((channel) => [channel, preferences[channel]])) }]);
    return { order, preferences };
  });
}
