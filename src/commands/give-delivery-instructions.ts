/** The customer tells the driver how to deliver (gate code, safe place, a neighbour, a note); again to change it. */
import { nowEpochSeconds } from '../domain/clock';
import type { DeliveryInstructions, Order } from '../domain/model/order';
import { inTransaction, type CommandContext } from './context';
import { customerActor, lockCustomerOrder } from './customer-link';
import { writeOrderEvents } from './order-timeline';

export async function giveDeliveryInstructions(context: CommandContext, token: string, instructions: DeliveryInstructions, linkTtlSeconds: number): Promise<Order> {
  return inTransaction(context, async (repos) => {
    const order = await lockCustomerOrder(repos, token, nowEpochSeconds(context.clock), linkTtlSeconds, 'instructions');
    await repos.deliveryInstructions.save(order.id, instructions, new Date(context.clock.nowMs()));
    await writeOrderEvents(repos, [{ orderId: order.id, type: 'instructions_changed', actor: customerActor, data: { instructions } }]);
    return order;
  });
}
