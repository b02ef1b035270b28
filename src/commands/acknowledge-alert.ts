/**
 * A dispatcher has seen an alert: who and when are recorded and it leaves the open list. Acknowledging it again
 * answers it unchanged (the first acknowledgement stands). An acknowledged alert that is raised again stays acknowledged.
 */
import type { Principal } from '../auth/principal';
import type { Alert } from '../domain/model/alert';
import { notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';

export async function acknowledgeAlert(context: CommandContext, alertId: number, by: Principal): Promise<Alert> {
  const at = new Date(context.clock.nowMs());
  const { alert, changed } = await inTransaction(context, async (repos) => {
    const existing = await repos.alerts.findByIdForUpdate(alertId);
    if (!existing) throw notFound('Alert', alertId);
    if (existing.acknowledgedAt) return { alert: existing, changed: false };
    return { alert: await repos.alerts.acknowledge(alertId, by.actor, at), changed: true };
  });
  if (changed) context.events.publish('alert.acknowledged', { alert });
  return alert;
}
