/**
 * The shape every stop action shares: remembered by idempotency key, allowed only on the driver's
 * own route, the stop and its order moved together in one transaction, events published after commit.
 */
import { moveOrders, publishStatusChanges, type StatusChange } from './move-orders';
import type { Principal } from '../auth/principal';
import type { StopOnRoute } from '../db/repos/proofs.repo';
import type { Repositories } from '../db/repositories';
import type { DomainEvents } from '../domain/events';
import { conflict, forbidden, notFound } from '../errors';
import type { StopActionResult } from '../protocol/stop-actions';
import { inTransaction, type CommandContext } from './context';
import type { Order, OrderStatus } from '../domain/model/order';
import type { StopStatus } from '../domain/model/route';

export type StopActionName = 'arrive' | 'complete' | 'fail';

export interface StopChange {
  stopStatus: StopStatus;
  actualArrivalEpoch?: number;
  completedAtEpoch?: number;
  /** The order's path, e.g. ['arrived', 'delivered'], skipping steps it has already taken. */
  orderPath: OrderStatus[];
  reason?: string | null;
  /** On the order's events, beside the stop id. */
  data?: Record<string, unknown>;
  /** What follows the order's last step in the same transaction (a failure's next step). */
  followUp?: (order: Order, repos: Repositories) => Promise<StatusChange[]>;
}

export interface StopActionSpec {
  action: StopActionName;
  stopId: number;
  idempotencyKey: string;
  /** Checks the stop may take this action and says how it changes; writes extra rows if needed. */
  change(stop: StopOnRoute, repos: Repositories): Promise<StopChange>;
}

export async function runStopAction(context: CommandContext, spec: StopActionSpec, by: Principal): Promise<StopActionResult> {
  const published: StatusChange[] = [];
  let stopEvent: DomainEvents['stop.status_changed'] | null = null;
  const result = await inTransaction(context, async (repos) => {
    const seen = await repos.proofs.findAction(by.actor, spec.idempotencyKey);
    if (seen) {
      if (seen.stopId !== spec.stopId || seen.action !== spec.action) {
        throw conflict(`Idempotency key ${spec.idempotencyKey} was already used for ${seen.action} at stop ${seen.stopId}`, [
          { path: 'idempotencyKey', message: 'reused for a different action' },
        ]);
      }
      return { ...(seen.result as StopActionResult), replayed: true };
    }
    const stop = await repos.proofs.findStopForUpdate(spec.stopId);
    if (!stop) throw notFound('Stop', spec.stopId);
    if (by.role === 'driver' && stop.vehicleId !== by.vehicleId) throw forbidden(`Stop ${spec.stopId} is not on your route`);
    if (stop.routeStatus !== 'dispatched' && stop.routeStatus !== 'in_progress') {
      throw conflict(`Stop ${spec.stopId} is on a route that is ${stop.routeStatus}, not under way`);
    }

    const change = await spec.change(stop, repos);
    const current = await repos.orders.findByIdForUpdate(stop.orderId);
    if (!current) throw notFound('Order', stop.orderId);
    // Steps the order has already taken are skipped: a tap on "arrived" before "delivered" is optional.
    const move = { order: current, path: change.orderPath, reason: change.reason ?? null, earlierStepsReason: null, data: { ...change.data, stopId: stop.stopId } };
    published.push(...(await moveOrders(repos, [move], by.actor)));
    if (change.followUp) published.push(...(await change.followUp(published.at(-1)?.order ?? current, repos)));
    const order = published.at(-1)?.order ?? current;
    await repos.proofs.setStopStatus(stop.stopId, change.stopStatus, change);
    await repos.proofs.advanceRoute(stop.routeId);

    const answer: StopActionResult = { stopId: stop.stopId, orderId: stop.orderId, stopStatus: change.stopStatus, orderStatus: order.status, replayed: false };
    await repos.proofs.insertAction(by.actor, spec.idempotencyKey, { stopId: stop.stopId, action: spec.action, result: answer });
    stopEvent = {
      stopId: stop.stopId,
      orderId: stop.orderId,
      vehicleId: stop.vehicleId,
      status: change.stopStatus,
      actualArrivalEpoch: change.actualArrivalEpoch ?? stop.actualArrivalEpoch,
      completedAtEpoch: change.completedAtEpoch ?? null,
      actor: by.actor,
    };
    return answer;
  });
  publishStatusChanges(context.events, published);
  if (stopEvent) context.events.publish('stop.status_changed', stopEvent);
  return result;
}
