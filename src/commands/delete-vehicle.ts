import type { Principal } from '../auth/principal';
import { conflict, notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';

export async function deleteVehicle(context: CommandContext, vehicleId: number, by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    if (!(await repos.vehicles.findById(vehicleId))) throw notFound('Vehicle', vehicleId);
    const assigned = await repos.orders.countByVehicle(vehicleId);
    if (assigned > 0) throw conflict(`Vehicle ${vehicleId} still has ${assigned} assigned order(s); replan them first`);
    await repos.vehicles.delete(vehicleId);
  });
  context.events.publish('fleet.changed', { entity: 'vehicle', id: vehicleId, change: 'deleted', actor: by.actor });
}
