/** ETAs recomputed from where a vehicle is: stored on their stops with their history, then published. */
import type { DomainEvents } from '../domain/events';
import { inTransaction, type CommandContext } from './context';

export async function recordLiveEtas(context: CommandContext, changes: DomainEvents['stop.eta_changed'][], computedAtEpoch: number): Promise<void> {
  if (changes.length === 0) return;
  await inTransaction(context, (repos) => repos.etas.recordLiveEtas(changes, computedAtEpoch));
  for (const change of changes) context.events.publish('stop.eta_changed', change);
}
