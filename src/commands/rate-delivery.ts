/** The customer rates a delivered order through its tracking link, 1–5 stars and a comment; again to change it. */
import type { Order } from '../domain/model/order';
import { nowEpochSeconds } from '../domain/clock';
import type { RatingInput } from '../protocol/tracking';
import { inTransaction, type CommandContext } from './context';
import { customerActor, lockCustomerOrder } from './customer-link';
import { writeOrderEvents } from './order-timeline';

export async function rateDelivery(context: CommandContext, token: string, input: RatingInput, linkTtlSeconds: number): Promise<Order> {
  const order = await inTransaction(context, async (repos) => {
    const order = await lockCustomerOrder(repos, token, nowEpochSeconds(context.clock), linkTtlSeconds, 'rate');
    const comment = input.comment || null;
    await repos.trackingLinks.rate(order.id, input.stars, comment, new Date(context.clock.nowMs()));
    await writeOrderEvents(repos, [{ orderId: order.id, type: 'rated', actor: customerActor, data: { stars: input.stars, comment } }]);
    return order;
  });
  context.events.publish('order.rated', { orderId: order.id, stars: input.stars });
  return order;
}
