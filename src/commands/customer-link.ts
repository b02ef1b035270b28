/**
 * The order behind a customer's tracking link, locked for the customer's change, when the action is open to them
 * now: what every command the tracking page calls starts with. A refused action is a 409 naming the status.
 */
import type { Repositories } from '../db/repositories';
import { customerMay, refusal, type CustomerAction } from '../domain/customer-actions';
import type { Order } from '../domain/model/order';
import { conflict, notFound } from '../errors';
import { openTrackingLink } from '../tracking/tracking-link';
import { lockDepotFirst } from './window-capacity';

/** How the timeline names changes the customer made through their link. */
export const customerActor = 'customer';

/** `booking`: the action books a calendar window, so the depot is locked before the order, as every booking takes them. */
export async function lockCustomerOrder(repos: Repositories, token: string, nowEpoch: number, linkTtlSeconds: number, action: CustomerAction, { booking = false } = {}): Promise<Order> {
  const link = await openTrackingLink(repos, token, nowEpoch, linkTtlSeconds);
  await lockDepotFirst(repos, link.order.id, booking);
  const order = await repos.orders.findByIdForUpdate(link.order.id);
  if (!order) throw notFound('Order', link.order.displayId);
  const returnRequested = (await repos.orderEvents.lastOfType(order.id, 'return_requested')) !== null;
  if (!customerMay(action, order.status, returnRequested)) {
    const why = refusal(action, order.status, returnRequested);
    throw conflict(`Not possible any more: ${why}`, [{ path: 'status', message: why }]);
  }
  return order;
}
