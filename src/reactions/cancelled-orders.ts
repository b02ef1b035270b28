/**
 * A planned or dispatched order that is cancelled leaves its route: the stop is removed and the ETAs after it are
 * recomputed, as a dispatcher's "remove" edit by the cancelling actor. Runs after the cancellation committed.
 */
import { editPlan } from '../commands/edit-plan';
import type { InsertionDeps } from '../commands/insert-live-order';
import { repositories } from '../db/repositories';
import type { Logger } from '../logger';

export function removeCancelledStops(deps: InsertionDeps, log?: Logger): () => void {
  return deps.context.events.on('order.status_changed', ({ order, from, to, actor }) => {
    if (to !== 'cancelled' || (from !== 'planned' && from !== 'dispatched')) return;
    void (async () => {
      const planId = await repositories(deps.context.db, deps.context.clock).plans.findPlanIdOfOrder(order.id);
      if (planId === null) return;
      const principal = { userId: null, username: actor, role: 'admin' as const, driverId: null, vehicleId: null, actor };
      await editPlan(deps, planId, { type: 'remove', orderId: order.id }, { preview: false }, principal);
    })().catch((error) => log?.error({ err: error, orderId: order.id }, 'removing a cancelled order from its route failed'));
  });
}
