import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import { vehicleInputSchema, type VehiclePatch } from '../protocol/vehicles';
import { inTransaction, type CommandContext } from './context';
import { vehicleAsInput } from '../protocol/vehicles';
import { assertDepotsExist, vehicleContent } from './vehicle-content';
import type { Vehicle } from '../domain/model/fleet';

export async function updateVehicle(context: CommandContext, vehicleId: number, patch: VehiclePatch, by: Principal): Promise<Vehicle> {
  const vehicle = await inTransaction(context, async (repos) => {
    const current = await repos.vehicles.findById(vehicleId);
    if (!current) throw notFound('Vehicle', vehicleId);
    // The patch is validated together with the fields it keeps (e.g. a new shift end against the old start).
    const content = vehicleContent(vehicleInputSchema.parse({ ...vehicleAsInput(current), ...patch }));
    await assertDepotsExist(repos, content);
    return repos.vehicles.update(vehicleId, content);
  });
  context.events.publish('fleet.changed', { entity: 'vehicle', id: vehicleId, change: 'updated', actor: by.actor });
  return vehicle;
}
