/** The condition behind an alert no longer holds (the delay cleared, the van is back on its road): it is resolved. */
import type { Alert, AlertKind, AlertSubject } from '../domain/model/alert';
import { inTransaction, type CommandContext } from './context';

/** Resolves the unresolved alert of this kind about this subject; null when there is none. */
export async function resolveAlert(context: CommandContext, kind: AlertKind, subject: AlertSubject): Promise<Alert | null> {
  const at = new Date(context.clock.nowMs());
  const resolved = await inTransaction(context, async (repos) => {
    const existing = await repos.alerts.findUnresolvedForUpdate(kind, subject);
    return existing ? repos.alerts.resolve(existing.id, at) : null;
  });
  if (resolved) context.events.publish('alert.resolved', { alert: resolved });
  return resolved;
}
