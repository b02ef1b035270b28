/**
 * Raises an alert, or updates the unresolved one of its kind and subject (a delay that grew, more orders left
 * unassigned). Raising it again with the same message and facts changes nothing and publishes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Alert, AlertDraft } from '../domain/model/alert';
import { inTransaction, type CommandContext } from './context';

export async function raiseAlert(context: CommandContext, draft: AlertDraft): Promise<Alert> {
  const at = new Date(context.clock.nowMs());
  const { alert, change } = await inTransaction(context, async (repos) => {
    const existing = await repos.alerts.findUnresolvedForUpdate(draft.kind, draft.subject);
    if (existing && existing.message === draft.message && isDeepStrictEqual(existing.data, draft.data)) return { alert: existing, change: null };
    const stored = await repos.alerts.upsertUnresolved(draft, at);
    // A concurrent raise may have inserted the row after our read: the stored raise time tells.
    return { alert: stored, change: existing || stored.raisedAt.getTime() !== at.getTime() ? ('alert.updated' as const) : ('alert.raised' as const) };
  });
  if (change) context.events.publish(change, { alert });
  return alert;
}
