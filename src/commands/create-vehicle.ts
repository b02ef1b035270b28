import type { Principal } from '../auth/principal';
import type { VehicleInput } from '../protocol/vehicles';
import { inTransaction, type CommandContext } from './context';
import { assertDepotsExist, vehicleContent } from './vehicle-content';
import type { Vehicle } from '../domain/model/fleet';

export async function createVehicle(context: CommandContext, input: VehicleInput, by: Principal): Promise<Vehicle> {
  const vehicle = await inTransaction(context, async (repos) => {
    const content = vehicleContent(input);
    await assertDepotsExist(repos, content);
    return repos.vehicles.insert(content);
  });
  context.events.publish('fleet.changed', { entity: 'vehicle', id: vehicle.id, change: 'created', actor: by.actor });
  return vehicle;
}
