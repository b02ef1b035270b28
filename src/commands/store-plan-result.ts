/**
 * A finished run's result, written in one transaction: routes and stops, unassigned orders with reasons, the
 * planned orders moved to `planned` on their vehicle with an event each, the plan `succeeded`. Nothing is written
 * when the plan is no longer this worker's running plan (cancelled meanwhile, or taken over after a lost lease).
 */
import type { Order } from '../db/repos/orders.repo';
import { canTransition } from '../domain/order-lifecycle';
import { conflict } from '../errors';
import type { ComputedPlan } from '../planning/compute-plan';
import { inTransaction, type CommandContext } from './context';

export async function storePlanResult(context: CommandContext, planId: number, owner: string, result: ComputedPlan): Promise<boolean> {
  const stored = await inTransaction(context, async (repos) => {
    const plan = await repos.plans.findByIdForUpdate(planId);
    if (!plan || plan.status !== 'running' || !(await repos.plans.renewLease(planId, owner, 60, null))) return null;
    const planned: { order: Order; vehicleId: number }[] = [];
    const changed: number[] = [];
    for (const route of result.routes) {
      for (const stop of route.stops) {
        const order = await repos.orders.findByIdForUpdate(stop.orderId);
        if (!order || !canTransition(order.status, 'planned')) changed.push(stop.orderId);
        else planned.push({ order, vehicleId: route.vehicleId });
      }
    }
    if (changed.length > 0) {
      throw conflict(`Orders changed state while the plan was computed: ${changed.join(', ')}`, changed.map((id) => ({ path: 'orderIds', message: `order ${id} can no longer be planned`, orderId: id })));
    }
    await repos.routes.insertMany(planId, result.routes);
    await repos.plans.replaceUnassigned(planId, result.unassigned);
    for (const { order, vehicleId } of planned) {
      await repos.orders.setStatus(order.id, 'planned');
      await repos.orders.setAssignedVehicle(order.id, vehicleId);
    }
    await repos.orderEvents.insertMany(
      planned.map(({ order, vehicleId }) => ({
        orderId: order.id,
        type: 'status_changed' as const,
        actor: plan.createdBy,
        fromStatus: order.status,
        toStatus: 'planned' as const,
        reason: `plan ${planId}`,
        data: { planId, vehicleId },
      })),
    );
    await repos.plans.setStatus(planId, 'succeeded', { totals: result.totals, error: null });
    return { plan, planned: await Promise.all(planned.map(async ({ order }) => ({ from: order.status, order: (await repos.orders.findById(order.id))! }))) };
  });
  if (!stored) return false;
  for (const { from, order } of stored.planned) {
    context.events.publish('order.status_changed', { order, from, to: 'planned', reason: `plan ${planId}`, actor: stored.plan.createdBy });
  }
  context.events.publish('plan.status_changed', { planId, depotId: stored.plan.depotId, status: 'succeeded', actor: stored.plan.createdBy });
  return true;
}
