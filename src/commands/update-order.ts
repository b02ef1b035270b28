import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import type { OrderPatch } from '../protocol/orders-api';
import { formatAddress, placeOrder, type Geocoding } from '../geocoding/place-order';
import { orderInputSchema, toOrderDraft, type OrderInput, type OrderPlacement } from '../protocol/orders';
import { inTransaction, reads, type CommandContext } from './context';
import { editableStatuses, type Order } from '../domain/model/order';
import { writeOrderEvents } from './order-timeline';
import { nowEpochSeconds } from '../domain/clock';
import { bookWindow, lockDepotFirst } from './window-capacity';

/**
 * Edits an order's content while it is still received or ready; later its route depends on it.
 * A new address without a location is geocoded first, outside the transaction. New time windows that are a calendar
 * window of the depot take its capacity under the booking lock, as a new order's do (the old window's is freed).
 */
export async function updateOrder(context: CommandContext, orderId: number, patch: OrderPatch, by: Principal, geocoding: Geocoding = {}): Promise<Order> {
  const placement = await placementAfter(context, orderId, patch, geocoding);
  const order = await inTransaction(context, async (repos) => {
    await lockDepotFirst(repos, orderId, patch.timeWindows !== undefined);
    const current = await repos.orders.findByIdForUpdate(orderId);
    if (!current) throw notFound('Order', orderId);
    if (!editableStatuses.includes(current.status)) {
      throw conflict(`Order ${orderId} is ${current.status}; only ${editableStatuses.join(' or ')} orders can be edited`);
    }
    const { overrideCapacity, ...fields } = patch;
    const merged = orderInputSchema.parse({ ...asInput(current), ...fields });
    const { source: _source, externalRef: _externalRef, ...content } = toOrderDraft(current.source, merged, placement ?? current);
    const overbooked = fields.timeWindows === undefined ? undefined : await bookWindow(repos, current.depotId, { timeWindows: content.timeWindows, previous: current.timeWindows }, nowEpochSeconds(context.clock), overrideCapacity);
    const updated = await repos.orders.updateContent(orderId, content);
    await writeOrderEvents(repos, [{ orderId, type: 'updated', actor: by.actor, data: { fields: Object.keys(fields).sort(), ...(overbooked ? { overbooked } : {}) } }]);
    return updated;
  });
  return order;
}

/** The patch's new place (its location, or its address geocoded); null when it moves nothing. */
async function placementAfter(context: CommandContext, orderId: number, patch: OrderPatch, geocoding: Geocoding): Promise<OrderPlacement | null> {
  if (patch.location === undefined && patch.addressText === undefined && patch.address === undefined) return null;
  const repos = reads(context);
  const current = await repos.orders.findById(orderId);
  if (!current) throw notFound('Order', orderId);
  const depot = current.depotId === null ? null : await repos.depots.findById(current.depotId);
  // A new location alone keeps the address text; a new address alone is geocoded.
  const addressText = patch.addressText ?? (patch.address ? formatAddress(patch.address) : current.addressText);
  return placeOrder({ addressText, address: patch.address, location: patch.location }, geocoding, depot?.serviceArea ?? null);
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
