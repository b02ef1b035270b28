import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import { slotCalendarFromWire, type DepotPatch } from '../protocol/depots';
import { inTransaction, type CommandContext } from './context';
import type { Depot } from '../domain/model/fleet';

export async function updateDepot(context: CommandContext, depotId: number, patch: DepotPatch, by: Principal): Promise<Depot> {
  const depot = await inTransaction(context, async (repos) => {
    const current = await repos.depots.findById(depotId);
    if (!current) throw notFound('Depot', depotId);
    const { slotCalendar, ...rest } = patch;
    // A policy patch changes only what it names.
    const failurePolicy = patch.failurePolicy ? { ...current.failurePolicy, ...patch.failurePolicy, actions: { ...current.failurePolicy.actions, ...patch.failurePolicy.actions } } : current.failurePolicy;
    return repos.depots.update(depotId, { ...current, ...rest, failurePolicy, ...(slotCalendar ? { slotCalendar: slotCalendarFromWire(slotCalendar) } : {}) });
  });
  context.events.publish('fleet.changed', { entity: 'depot', id: depotId, change: 'updated', actor: by.actor });
  return depot;
}
