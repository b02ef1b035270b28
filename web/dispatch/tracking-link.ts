/**
 * The customer's tracking link of an order, the one place the console makes it. Today it is built from the
 * token GET /orders returns; once tokens are kept hashed, a dispatcher endpoint will issue the link and this
 * function will ask it (hence async).
 */
import type { Order } from './state';

export async function trackingLinkOf(order: Order): Promise<string> {
  return `${location.origin}/t/${encodeURIComponent(order.trackingToken)}`;
}
