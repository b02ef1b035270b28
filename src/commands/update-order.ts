import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import type { OrderPatch } from '../protocol/orders-api';
import { orderInputSchema, toOrderDraft, type OrderInput } from '../protocol/orders';
import { inTransaction, type CommandContext } from './context';
import { editableStatuses, type Order } from '../domain/model/order';
import { writeOrderEvents } from './order-timeline';

/** Edits an order's content while it is still received or ready; later its route depends on it. */
export async function updateOrder(context: CommandContext, orderId: number, patch: OrderPatch, by: Principal): Promise<Order> {
  const order = await inTransaction(context, async (repos) => {
    const current = await repos.orders.findByIdForUpdate(orderId);
    if (!current) throw notFound('Order', orderId);
    if (!editableStatuses.includes(current.status)) {
      throw conflict(`Order ${orderId} is ${current.status}; only ${editableStatuses.join(' or ')} orders can be edited`);
    }
    const merged = orderInputSchema.parse({ ...asInput(current), ...patch });
    const { source: _source, externalRef: _externalRef, ...content } = toOrderDraft(current.source, merged);
    const updated = await repos.orders.updateContent(orderId, content);
    await writeOrderEvents(repos, [{ orderId, type: 'updated', actor: by.actor, data: { fields: Object.keys(patch).sort() } }]);
    return updated;
  });
  return order;
}

/** The stored order in input form, so a patch is validated together with what it does not change. */
function asInput(order: Order): OrderInput {
  const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
  return {
    externalRef: order.externalRef,
    customerName: order.customerName,
    customerPhone: order.customerPhone,
    customerEmail: order.customerEmail,
    addressText: order.addressText,
    location: order.location,
    timeWindows: order.timeWindows.map((window) => ({ start: iso(window.startEpochSeconds), end: iso(window.endEpochSeconds) })),
    serviceSeconds: order.serviceSeconds,
    demand: order.demand,
    priority: order.priority,
    requiredSkills: order.requiredSkills,
    notes: order.notes,
  };
}
