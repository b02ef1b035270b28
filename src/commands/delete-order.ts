import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';
import type { OrderStatus } from '../domain/model/order';

/** Orders that never reached a route may be removed outright; the rest keep their history. */
const deletableStatuses: readonly OrderStatus[] = ['received', 'ready', 'cancelled'];

export async function deleteOrder(context: CommandContext, orderId: number, _by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    const order = await repos.orders.findByIdForUpdate(orderId);
    if (!order) throw notFound('Order', orderId);
    if (!deletableStatuses.includes(order.status)) {
      throw conflict(`Order ${orderId} is ${order.status}; only ${deletableStatuses.join(', ')} orders can be deleted (cancel it instead)`);
    }
    await repos.orders.delete(orderId);
  });
}
