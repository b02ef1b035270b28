/**
 * Dispatches a succeeded plan: each route goes to the driver of its vehicle, each stop's planned arrival is frozen
 * as the ETA the customer is told, and the plan's orders move to `dispatched` with an event each.
 */
import { moveOrders, publishStatusChanges, type OrderMove } from './move-orders';
import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';
import type { PlanRecord } from '../domain/model/plan';

export async function dispatchPlan(context: CommandContext, planId: number, by: Principal): Promise<PlanRecord> {
  const { plan, moved } = await inTransaction(context, async (repos) => {
    const current = await repos.plans.findByIdForUpdate(planId);
    if (!current) throw notFound('Plan', planId);
    if (current.status !== 'succeeded') {
      throw conflict(`Plan ${planId} is ${current.status}; only a succeeded plan can be dispatched`, [{ path: 'status', message: `plan is ${current.status}` }]);
    }
    const routes = await repos.routes.listForPlan(planId);
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
    await repos.plans.setStatus(planId, 'dispatched');
    return { plan: (await repos.plans.findById(planId))!, moved };
  });
  publishStatusChanges(context.events, moved);
  context.events.publish('plan.status_changed', { planId, depotId: plan.depotId, status: 'dispatched', actor: by.actor });
  return plan;
}
