/** Cancels a queued or running plan. A running search is aborted by its worker; nothing of it is stored. */
import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';
import type { PlanRecord } from '../domain/model/plan';

export async function cancelPlan(context: CommandContext, planId: number, by: Principal): Promise<PlanRecord> {
  const plan = await inTransaction(context, async (repos) => {
    const current = await repos.plans.findByIdForUpdate(planId);
    if (!current) throw notFound('Plan', planId);
    if (current.status !== 'queued' && current.status !== 'running') {
      throw conflict(`Plan ${planId} is ${current.status}; only queued or running plans can be cancelled`, [{ path: 'status', message: `plan is ${current.status}` }]);
    }
    await repos.plans.setStatus(planId, 'cancelled', new Date(context.clock.nowMs()));
    return (await repos.plans.findById(planId))!;
  });
  context.events.publish('plan.status_changed', { planId, depotId: plan.depotId, status: 'cancelled', actor: by.actor });
  return plan;
}
