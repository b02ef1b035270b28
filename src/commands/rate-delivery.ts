/** The customer rates a delivered order through its tracking link, 1–5 stars and a comment; again to change it. */
import type { Order } from '../domain/model/order';
import { nowEpochSeconds } from '../domain/clock';
import { conflict } from '../errors';
import type { RatingInput } from '../protocol/tracking';
import { openTrackingLink } from '../tracking/tracking-link';
import { inTransaction, type CommandContext } from './context';

export async function rateDelivery(context: CommandContext, token: string, input: RatingInput, linkTtlSeconds: number): Promise<{ order: Order; expiresAtEpoch: number | null }> {
  const rated = await inTransaction(context, async (repos) => {
    const link = await openTrackingLink(repos, token, nowEpochSeconds(context.clock), linkTtlSeconds);
    if (link.order.status !== 'delivered') throw conflict(`Only a delivered order can be rated; this one is ${link.order.status}`);
    await repos.trackingLinks.rate(link.order.id, input.stars, input.comment || null, new Date(context.clock.nowMs()));
    return link;
  });
  context.events.publish('order.rated', { orderId: rated.order.id, stars: input.stars });
  return rated;
}
