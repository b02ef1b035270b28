import type { Principal } from '../auth/principal';
import { moveOrders, publishStatusChanges } from './move-orders';
import { canSeeOrder } from '../auth/visibility';
import { assertTransition } from '../domain/order-lifecycle';
import { driverTargetStatuses } from '../domain/roles';
import { forbidden, notFound } from '../errors';
import type { TransitionInput } from '../protocol/orders-api';
import { inTransaction, type CommandContext } from './context';
import type { Order } from '../domain/model/order';

export async function transitionOrder(context: CommandContext, orderId: number, input: TransitionInput, by: Principal): Promise<Order> {
  const [change] = await inTransaction(context, async (repos) => {
    const current = await repos.orders.findByIdForUpdate(orderId);
    if (!current || !canSeeOrder(by, current)) throw notFound('Order', orderId);
    if (by.role === 'driver' && !(driverTargetStatuses as readonly string[]).includes(input.status)) {
      throw forbidden(`Drivers may only move their orders to ${driverTargetStatuses.join(', ')}`);
    }
    // An explicit transition to the status the order already has is refused, not skipped.
    const to = assertTransition(current.status, input.status);
    return moveOrders(repos, [{ order: current, path: [to], reason: input.reason ?? null }], by.actor);
  });
  publishStatusChanges(context.events, [change!]);
  return change!.order;
}
