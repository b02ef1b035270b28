import type { Principal } from '../auth/principal';
import { slotCalendarFromWire, type DepotInput } from '../protocol/depots';
import { inTransaction, type CommandContext } from './context';
import type { Depot } from '../domain/model/fleet';

export async function createDepot(context: CommandContext, input: DepotInput, by: Principal): Promise<Depot> {
  const depot = await inTransaction(context, (repos) => repos.depots.insert({ ...input, slotCalendar: slotCalendarFromWire(input.slotCalendar) }));
  context.events.publish('fleet.changed', { entity: 'depot', id: depot.id, change: 'created', actor: by.actor });
  return depot;
}
