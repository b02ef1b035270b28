/**
 * The customer asks to send a delivered order back, with a reason: a `return_requested` entry in the timeline
 * for the office, from which a return pickup can be planned. Once per order.
 */
import { nowEpochSeconds } from '../domain/clock';
import type { Order } from '../domain/model/order';
import type { ReturnRequest } from '../protocol/tracking';
import { inTransaction, type CommandContext } from './context';
import { customerActor, lockCustomerOrder } from './customer-link';
import { writeOrderEvents } from './order-timeline';

export async function requestReturn(context: CommandContext, token: string, input: ReturnRequest, linkTtlSeconds: number): Promise<Order> {
  return inTransaction(context, async (repos) => {
    const order = await lockCustomerOrder(repos, token, nowEpochSeconds(context.clock), linkTtlSeconds, 'requestReturn');
    await writeOrderEvents(repos, [{ orderId: order.id, type: 'return_requested', actor: customerActor, reason: input.reason, data: { reason: input.reason } }]);
    return order;
  });
}
