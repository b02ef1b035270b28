import type { Principal } from '../auth/principal';
import { canSeeOrder } from '../auth/visibility';
import { assertTransition } from '../domain/order-lifecycle';
import { driverTargetStatuses } from '../domain/roles';
import { forbidden, notFound } from '../errors';
import type { TransitionInput } from '../protocol/orders-api';
import { inTransaction, type CommandContext } from './context';
import type { Order, OrderStatus } from '../domain/model/order';

/** Leaving the plan releases the vehicle the order was assigned to. */
const unassigningStatuses: readonly OrderStatus[] = ['ready', 'cancelled', 'rescheduled'];

export async function transitionOrder(context: CommandContext, orderId: number, input: TransitionInput, by: Principal): Promise<Order> {
  const { order, from } = await inTransaction(context, async (repos) => {
    const current = await repos.orders.findByIdForUpdate(orderId);
    if (!current || !canSeeOrder(by, current)) throw notFound('Order', orderId);
    if (by.role === 'driver' && !(driverTargetStatuses as readonly string[]).includes(input.status)) {
      throw forbidden(`Drivers may only move their orders to ${driverTargetStatuses.join(', ')}`);
    }
    const to = assertTransition(current.status, input.status);
    if (unassigningStatuses.includes(to) && current.assignedVehicleId !== null) await repos.orders.setAssignedVehicle(orderId, null);
    const updated = await repos.orders.setStatus(orderId, to);
    await repos.orderEvents.insertMany([
      { orderId, type: 'status_changed', actor: by.actor, fromStatus: current.status, toStatus: to, reason: input.reason ?? null },
    ]);
    return { order: updated, from: current.status };
  });
  context.events.publish('order.status_changed', { order, from, to: order.status, reason: input.reason ?? null, actor: by.actor });
  return order;
}
