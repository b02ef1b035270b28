/**
 * A customer's tracking link (`{code}.{secret}`, see domain/order-identifiers.ts) is open until the office revokes
 * it, or until `linkTtlSeconds` after the order reached a final status. The page, its API and the socket all ask here.
 */
import type { Repositories } from '../db/repositories';
import { AppError } from '../errors';
import type { Order } from '../domain/model/order';
import { parseTrackingLinkToken, trackingSecretMatches } from '../domain/order-identifiers';
import type { StopRecord } from '../domain/model/route';

export const defaultTrackingLinkTtlSeconds = 72 * 3600;

export const finalStatuses: ReadonlySet<string> = new Set(['delivered', 'failed', 'returned', 'cancelled']);

/** The order behind an open link, with the link's expiry (null while the order is not finished); 404 or 410 otherwise. */
export async function openTrackingLink(
  repos: Repositories,
  token: string,
  nowEpoch: number,
  linkTtlSeconds: number,
): Promise<{ order: Order; expiresAtEpoch: number | null }> {
  const parsed = parseTrackingLinkToken(token);
  const found = parsed ? await repos.orders.findByTrackingCode(parsed.code) : null;
  // A known code with a wrong secret answers as an unknown link: the code alone opens nothing, nor tells anything.
  if (!parsed || !found || !trackingSecretMatches(parsed.secret, found.secretHash)) throw new AppError(404, 'not_found', 'This tracking link is unknown');
  const { order } = found;
  if ((await repos.trackingLinks.find(order.id))?.revokedAt) throw new AppError(410, 'link_revoked', 'This tracking link has been revoked');
  if (!finalStatuses.has(order.status)) return { order, expiresAtEpoch: null };
  const events = (await repos.orderEvents.listForOrder(order.id)).filter((event) => event.toStatus !== null);
  const finishedAt = events.at(-1);
  if (!finishedAt) return { order, expiresAtEpoch: null };
  const expiresAtEpoch = Math.floor(finishedAt.occurredAt.getTime() / 1000) + linkTtlSeconds;
  if (nowEpoch > expiresAtEpoch) throw new AppError(410, 'link_expired', 'This tracking link has expired');
  return { order, expiresAtEpoch };
}

/** The order's stop in its current plan, the stops before it on that route and the route's vehicle; null when it is on none. */
export async function stopOfOrder(repos: Repositories, order: Order): Promise<{ stop: StopRecord; before: StopRecord[]; vehicleId: number } | null> {
  const planId = await repos.plans.findPlanIdOfOrder(order.id);
  if (planId === null) return null;
  for (const route of await repos.routes.listForPlan(planId)) {
    const index = route.stops.findIndex((stop) => stop.orderId === order.id);
    if (index >= 0) return { stop: route.stops[index]!, before: route.stops.slice(0, index), vehicleId: route.vehicleId };
  }
  return null;
}
