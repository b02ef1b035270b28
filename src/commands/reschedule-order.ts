/**
 * Gives an order new time windows (another date or window), with an `order.rescheduled` entry in its timeline.
 * A failed order is re-attempted: it becomes `rescheduled`, plannable again. A planned or dispatched order keeps
 * its stop when the time it is planned for lies in a new window (its route is recomputed with the new promise);
 * otherwise it leaves its route, which is recomputed without it, and a planned order goes back to ready. A
 * dispatched order cannot leave its van this way (cancel it instead), nor can a stop done or in progress move.
 */
import type { Principal } from '../auth/principal';
import { nowEpochSeconds } from '../domain/clock';
import { localDate } from '../domain/time';
import { conflict, notFound } from '../errors';
import { evaluateEdited, openWorkspace, pendingOf, saveEvaluated } from '../planning/plan-workspace';
import type { RescheduleInput } from '../protocol/orders-api';
import type { Repositories } from '../db/repositories';
import { inTransaction, type CommandContext } from './context';
import { assertEditablePlan, type InsertionDeps } from './insert-live-order';
import { moveOrders, publishStatusChanges, type OrderMove, type StatusChange } from './move-orders';
import { contentOf, reschedulableStatuses, type Order } from '../domain/model/order';
import type { EpochWindow } from '../domain/model/time-window';
import { writeOrderEvents } from './order-timeline';
import { bookWindow, lockDepotFirst } from './window-capacity';

export async function rescheduleOrder(deps: InsertionDeps, orderId: number, input: RescheduleInput, by: Principal): Promise<Order> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  const reason = input.reason ?? null;
  const timeWindows: EpochWindow[] = input.timeWindows
    .map((window) => ({ startEpochSeconds: Date.parse(window.start) / 1000, endEpochSeconds: Date.parse(window.end) / 1000 }))
    .sort((a, b) => a.startEpochSeconds - b.startEpochSeconds);

  const outcome = await inTransaction(deps.context, async (repos) => {
    await lockDepotFirst(repos, orderId, true);
    const current = await repos.orders.findByIdForUpdate(orderId);
    if (!current) throw notFound('Order', orderId);
    // Into a calendar window: its capacity, under the booking lock reservations and new orders take.
    const overbooked = await bookWindow(repos, current.depotId, { timeWindows, previous: current.timeWindows }, nowEpoch, input.overrideCapacity);
    return rescheduleLocked(repos, deps, current, timeWindows, reason, by.actor, nowEpoch, overbooked);
  });
  publishRescheduled(deps.context, outcome, reason, by.actor);
  return outcome.order;
}

export interface RescheduleOutcome {
  order: Order;
  previousWindows: EpochWindow[];
  changes: StatusChange[];
  planChange: { planId: number; depotId: number; version: number; routeIds: number[] } | null;
  leftPlanId: number | null;
}

/**
 * The rescheduling itself, inside the caller's transaction, on an order the caller has locked: the office's
 * reschedule and the customer's choice of a slot share it.
 */
/** `overbooked`: the dispatcher booked a full window anyway; the timeline says which. */
export async function rescheduleLocked(repos: Repositories, deps: InsertionDeps, current: Order, timeWindows: EpochWindow[], reason: string | null, actor: string, nowEpoch: number, overbooked?: string): Promise<RescheduleOutcome> {
  const orderId = current.id;
  if (!reschedulableStatuses.includes(current.status)) {
    throw conflict(`Order ${orderId} is ${current.status}; only ${reschedulableStatuses.join(', ')} orders can be rescheduled`, [{ path: 'status', message: `order is ${current.status}` }]);
  }
  if (current.status === 'failed' || current.status === 'rescheduled') await assertNoAttemptThatDay(repos, orderId, timeWindows);
  const updated = await repos.orders.updateContent(orderId, { ...contentOf(current), timeWindows });
  const moves: OrderMove[] = [];
  let planChange: RescheduleOutcome['planChange'] = null;
  let leftPlanId: number | null = null;

  if (current.status === 'failed') moves.push({ order: updated, path: ['rescheduled'], reason: reason ?? 're-attempt' });
  const planId = current.status === 'planned' || current.status === 'dispatched' ? await repos.plans.findPlanIdOfOrder(orderId) : null;
  if (planId !== null) {
    const plan = await assertEditablePlan(await repos.plans.findByIdForUpdate(planId), planId);
    const workspace = await openWorkspace(repos, plan, deps.routing, deps.positions, nowEpoch);
    if (workspace.routes.some((route) => route.fixed.some((stop) => stop.orderId === orderId))) {
      throw conflict(`The stop of order ${orderId} is done or in progress and cannot be rescheduled`, [{ path: 'orderId', message: 'stop done or in progress' }]);
    }
    const route = workspace.routes.find((candidate) => candidate.pending.some((stop) => stop.orderId === orderId));
    if (route) {
      const stop = route.pending.find((candidate) => candidate.orderId === orderId)!;
      const fits = timeWindows.some((window) => window.startEpochSeconds <= stop.serviceStartEpoch && stop.serviceStartEpoch <= window.endEpochSeconds);
      // The workspace reads the order inside this transaction: its stop carries the new windows.
      const pending = await pendingOf(repos, workspace, route);
      if (!fits) {
        if (current.status === 'dispatched') {
          throw conflict(`Order ${orderId} is dispatched and planned for ${new Date(stop.serviceStartEpoch * 1000).toISOString()}, outside the new windows; cancel it instead`, [
            { path: 'timeWindows', message: 'the dispatched stop is not within the new windows' },
          ]);
        }
        pending.splice(pending.findIndex((candidate) => candidate.order.id === orderId), 1);
        moves.push({ order: updated, path: ['ready'], vehicleId: null, reason: reason ?? 'rescheduled outside its route', data: { planId } });
        leftPlanId = planId;
      }
      const saved = await saveEvaluated(repos, workspace, await evaluateEdited(workspace));
      planChange = { planId, depotId: plan.depotId, version: saved.version, routeIds: saved.routes.map((saved) => saved.id) };
    }
  }

  const iso = (windows: EpochWindow[]) => windows.map((window) => ({ start: new Date(window.startEpochSeconds * 1000).toISOString(), end: new Date(window.endEpochSeconds * 1000).toISOString() }));
  await writeOrderEvents(repos, [{ orderId, type: 'rescheduled', actor, reason, data: { from: iso(current.timeWindows), to: iso(timeWindows), ...(leftPlanId === null ? {} : { leftPlanId }), ...(overbooked ? { overbooked } : {}) } }]);
  const changes: StatusChange[] = await moveOrders(repos, moves, actor);
  return { order: changes.at(-1)?.order ?? updated, previousWindows: current.timeWindows, changes, planChange, leftPlanId };
}

/**
 * A plan holds one stop per order: the day whose plan has the failed attempt cannot take another. Refused (409) rather
 * than left rescheduled into a day no plan would ever give it.
 */
async function assertNoAttemptThatDay(repos: Repositories, orderId: number, timeWindows: EpochWindow[]): Promise<void> {
  const planId = await repos.plans.findPlanIdOfOrder(orderId);
  const plan = planId === null ? null : await repos.plans.findById(planId);
  const depot = plan ? await repos.depots.findById(plan.depotId) : null;
  if (!plan || !depot) return;
  if (timeWindows.some((window) => localDate(depot.timeZone, window.startEpochSeconds) === plan.date)) {
    throw conflict(`Order ${orderId} was attempted on ${plan.date} in plan ${plan.id}, which holds one stop per order; re-attempt it on another day`, [
      { path: 'timeWindows', message: `plan ${plan.id} of ${plan.date} already has this order's failed attempt` },
    ]);
  }
}

/** After commit: the reschedule, the status changes it made and the plan it changed. */
export function publishRescheduled(context: CommandContext, outcome: RescheduleOutcome, reason: string | null, actor: string): void {
  context.events.publish('order.rescheduled', { order: outcome.order, previousWindows: outcome.previousWindows, leftPlanId: outcome.leftPlanId, reason, actor });
  publishStatusChanges(context.events, outcome.changes);
  if (outcome.planChange) context.events.publish('plan.changed', { ...outcome.planChange, actor });
}
