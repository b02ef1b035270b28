/**
 * A finished run's result, written in one transaction: routes and stops, unassigned orders with reasons, the
 * planned orders moved to `planned` on their vehicle with an event each, the plan `succeeded`. Nothing is written
 * when the plan is no longer this worker's running plan (cancelled meanwhile, or taken over after a lost lease).
 * A plan that replaces another supersedes it in the same transaction.
 */
import { moveOrders, publishStatusChanges, type OrderMove } from './move-orders';
import type { Repositories } from '../db/repositories';
import { canTransition } from '../domain/order-lifecycle';
import { conflict } from '../errors';
import type { ComputedPlan } from '../planning/compute-plan';
import { inTransaction, type CommandContext } from './context';
import type { Order } from '../domain/model/order';

export async function storePlanResult(context: CommandContext, planId: number, owner: string, result: ComputedPlan): Promise<boolean> {
  const stored = await inTransaction(context, async (repos) => {
    const plan = await repos.plans.findByIdForUpdate(planId);
    if (!plan || plan.status !== 'running' || !(await repos.plans.renewLease(planId, owner, 60, null))) return null;
    const superseded = plan.replacesPlanId === null ? null : await supersede(repos, plan.replacesPlanId, planId, plan.createdBy, new Date(context.clock.nowMs()));
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
    const moved = await moveOrders(repos, planned.map(({ order, vehicleId }) => ({ order, path: ['planned'], vehicleId, reason: `plan ${planId}`, data: { planId, vehicleId } })), plan.createdBy);
    await repos.plans.setStatus(planId, 'succeeded', new Date(context.clock.nowMs()), { totals: result.totals, error: null });
    return { plan, superseded, moved };
  });
  if (!stored) return false;
  if (stored.superseded) {
    const { depotId, released } = stored.superseded;
    publishStatusChanges(context.events, released);
    context.events.publish('plan.status_changed', { planId: stored.plan.replacesPlanId!, depotId, status: 'superseded', actor: stored.plan.createdBy });
  }
  publishStatusChanges(context.events, stored.moved);
  context.events.publish('plan.status_changed', { planId, depotId: stored.plan.depotId, status: 'succeeded', actor: stored.plan.createdBy });
  return true;
}

/**
 * The plan this one replaces gives way: superseded, its planned orders back to ready (then the new routes plan them
 * again, each step in the timeline). Refused when it was dispatched or changed status meanwhile: the new plan fails.
 */
async function supersede(repos: Repositories, replacedId: number, planId: number, actor: string, at: Date) {
  const replaced = await repos.plans.findByIdForUpdate(replacedId);
  if (!replaced || replaced.status !== 'succeeded') {
    const status = replaced?.status ?? 'deleted';
    throw conflict(`Plan ${replacedId}, which this plan replaces, is ${status} now; plan again`, [{ path: 'replacesPlanId', message: `plan ${replacedId} is ${status}` }]);
  }
  await repos.plans.setStatus(replacedId, 'superseded', at);
  const leaving: OrderMove[] = [];
  for (const orderId of await repos.routes.orderIdsOfPlan(replacedId)) {
    const order = await repos.orders.findByIdForUpdate(orderId);
    if (order?.status === 'planned') leaving.push({ order, path: ['ready'], vehicleId: null, reason: `plan ${replacedId} superseded by plan ${planId}`, data: { planId: replacedId } });
  }
  const released = await moveOrders(repos, leaving, actor);
  return { depotId: replaced.depotId, released };
}
