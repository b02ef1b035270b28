/**
 * Dispatches a succeeded plan: each route goes to the driver of its vehicle, each stop's planned arrival is frozen
 * as the ETA the customer is told, and the plan's orders move to `dispatched` with an event each. A plan with
 * violations or unassigned orders is a 409 listing them, unless the dispatcher confirms.
 */
import { moveOrders, publishStatusChanges, type OrderMove } from './move-orders';
import type { Principal } from '../auth/principal';
import { conflict, notFound, type ErrorDetail } from '../errors';
import { inTransaction, type CommandContext } from './context';
import type { PlanRecord, UnassignedRecord } from '../domain/model/plan';
import type { RouteRecord } from '../domain/model/route';

export async function dispatchPlan(context: CommandContext, planId: number, by: Principal, { confirm = false }: { confirm?: boolean } = {}): Promise<PlanRecord> {
  const { plan, moved } = await inTransaction(context, async (repos) => {
    const current = await repos.plans.findByIdForUpdate(planId);
    if (!current) throw notFound('Plan', planId);
    if (current.status !== 'succeeded') {
      throw conflict(`Plan ${planId} is ${current.status}; only a succeeded plan can be dispatched`, [{ path: 'status', message: `plan is ${current.status}` }]);
    }
    const routes = await repos.routes.listForPlan(planId);
    if (!confirm) {
      const warnings = dispatchWarnings(routes, await repos.plans.listUnassigned(planId));
      if (warnings.length > 0) {
        const violations = warnings.filter((warning) => warning.path !== 'unassigned').length;
        const unassigned = warnings.length - violations;
        const counts = [violations > 0 ? `${violations} violation${violations === 1 ? '' : 's'}` : '', unassigned > 0 ? `${unassigned} unassigned order${unassigned === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
        throw conflict(`Plan ${planId} has ${counts}; dispatch with confirm: true to go ahead`, warnings);
      }
    }
    const drivers = new Map<number, number>();
    for (const route of routes) {
      const driver = await repos.drivers.findByVehicleId(route.vehicleId);
      if (driver) drivers.set(route.vehicleId, driver.id);
    }
    await repos.routes.dispatch(planId, drivers);
    const moves: OrderMove[] = [];
    for (const route of routes) {
      for (const stop of route.stops) {
        const order = (await repos.orders.findByIdForUpdate(stop.orderId))!;
        moves.push({ order, path: ['dispatched'], reason: `plan ${planId} dispatched`, data: { planId, vehicleId: order.assignedVehicleId } });
      }
    }
    const moved = await moveOrders(repos, moves, by.actor);
    await repos.plans.setStatus(planId, 'dispatched', new Date(context.clock.nowMs()));
    return { plan: (await repos.plans.findById(planId))!, moved };
  });
  publishStatusChanges(context.events, moved);
  context.events.publish('plan.status_changed', { planId, depotId: plan.depotId, status: 'dispatched', actor: by.actor });
  return plan;
}

/** What a dispatcher should see before dispatching: each violated stop or route, and each order left out. */
export function dispatchWarnings(routes: RouteRecord[], unassigned: UnassignedRecord[]): ErrorDetail[] {
  const warnings: ErrorDetail[] = [];
  for (const route of routes) {
    for (const violation of route.violations) {
      warnings.push({ path: 'violations', vehicleId: route.vehicleId, cause: violation.cause, message: `vehicle ${route.vehicleId}: route ${violation.cause}${violation.duration ? ` by ${Math.ceil(violation.duration / 60)} min` : ''}` });
    }
    for (const stop of route.stops) {
      for (const violation of stop.violations) {
        warnings.push({ path: 'violations', vehicleId: route.vehicleId, orderId: stop.orderId, cause: violation.cause, message: `vehicle ${route.vehicleId}, stop ${stop.sequence} (order ${stop.orderId}): ${violation.cause}${violation.duration ? ` by ${Math.ceil(violation.duration / 60)} min` : ''}` });
      }
    }
  }
  for (const entry of unassigned) warnings.push({ path: 'unassigned', orderId: entry.orderId, reason: entry.reason, message: `order ${entry.orderId} is unassigned (${entry.reason})` });
  return warnings;
}
