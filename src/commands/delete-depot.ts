import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';

export async function deleteDepot(context: CommandContext, depotId: number, by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    if (!(await repos.depots.findById(depotId))) throw notFound('Depot', depotId);
    const { vehicles, orders } = await repos.depots.references(depotId);
    if (vehicles > 0 || orders > 0) {
      throw conflict(`Depot ${depotId} is still used by ${vehicles} vehicle(s) and ${orders} order(s); move or delete them first`);
    }
    await repos.depots.delete(depotId);
  });
  context.events.publish('fleet.changed', { entity: 'depot', id: depotId, change: 'deleted', actor: by.actor });
}
