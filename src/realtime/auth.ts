/**
 * Who is connecting, decided once on connect from `auth: { token, depotId? }`, and the one room
 * they may join: dispatchers and admins a depot, a driver their own vehicle, a customer (holding
 * an order's tracking token) that order and nothing else.
 */
import { nowEpochSeconds, type Clock } from '../domain/clock';
import { principalForToken, type Principal } from '../auth/principal';
import type { Repositories } from '../db/repositories';
import { AppError, invalidInput, notFound, unauthorized } from '../errors';
import { openTrackingLink } from '../tracking/tracking-link';
import { depotRoom, orderRoom, vehicleRoom } from './rooms';

export interface Subscriber {
  room: string;
  /** Staff and drivers; null for a customer. */
  principal: Principal | null;
}

export interface TrackingLinkPolicy {
  linkTtlSeconds: number;
  clock: Clock;
}

export async function subscriberFor(
  repos: Repositories,
  auth: Record<string, unknown>,
  trackingLinks: TrackingLinkPolicy,
  /** Runs before a tracking token is looked up (the rate limit per address); throws to refuse. */
  beforeTrackingLookup: () => Promise<void> = async () => {},
): Promise<Subscriber> {
  const { token, depotId } = auth;
  if (typeof token !== 'string' || token === '') throw unauthorized('Connect with auth: { token } (a session token, API key or tracking token)');
  const principal = await principalForToken(repos, token, new Date(trackingLinks.clock.nowMs()));
  if (principal) {
    if (principal.role === 'driver') {
      if (principal.vehicleId === null) throw new AppError(403, 'forbidden', 'You have no vehicle assigned, so there is no route to follow');
      return { room: vehicleRoom(principal.vehicleId), principal };
    }
    if (typeof depotId !== 'number' || !Number.isInteger(depotId)) {
      throw invalidInput('Dispatchers and admins connect with auth: { token, depotId }', [{ path: 'auth.depotId', message: 'must be a depot id' }]);
    }
    if (!(await repos.depots.findById(depotId))) throw notFound('Depot', depotId);
    return { room: depotRoom(depotId), principal };
  }
  // A customer's link: the same rule as the tracking page, so a revoked or expired link hears nothing more.
  await beforeTrackingLookup();
  const { order } = await openTrackingLink(repos, token, nowEpochSeconds(trackingLinks.clock), trackingLinks.linkTtlSeconds).catch((error: unknown) => {
    throw error instanceof AppError && error.status === 404 ? new AppError(401, 'invalid_token', 'The token is unknown, revoked or expired') : error;
  });
  return { room: orderRoom(order.id), principal: null };
}
