/** A plan run that cannot succeed ends its plan as failed, with the reason; only while the plan is still running. */
import type { PlanError, PlanRecord } from '../domain/model/plan';
import { inTransaction, type CommandContext } from './context';

export async function failPlanRun(context: CommandContext, plan: PlanRecord, error: PlanError): Promise<void> {
  const ended = await inTransaction(context, async (repos) => {
    const current = await repos.plans.findByIdForUpdate(plan.id);
    if (current?.status !== 'running') return false;
    await repos.plans.setStatus(plan.id, 'failed', new Date(context.clock.nowMs()), { error });
    return true;
  });
  if (ended) context.events.publish('plan.status_changed', { planId: plan.id, depotId: plan.depotId, status: 'failed', actor: 'system' });
}
