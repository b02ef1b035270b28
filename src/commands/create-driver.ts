import { hashPassword } from '../auth/passwords';
import type { Principal } from '../auth/principal';
import type { DriverInput } from '../protocol/drivers';
import { inTransaction, type CommandContext } from './context';
import { assertUsernameFree, assertVehicleFree } from './rules';
import type { Driver } from '../domain/model/fleet';

/** A driver is a person with a login (role driver) and, usually, a vehicle. */
export async function createDriver(context: CommandContext, input: DriverInput, by: Principal): Promise<Driver> {
  const passwordHash = await hashPassword(input.password);
  const driver = await inTransaction(context, async (repos) => {
    await assertUsernameFree(repos, input.username);
    await assertVehicleFree(repos, input.vehicleId, null);
    const user = await repos.users.insert({ username: input.username, name: input.name, role: 'driver', passwordHash });
    return repos.drivers.insert({ name: input.name, phone: input.phone, vehicleId: input.vehicleId, userId: user.id });
  });
  context.events.publish('fleet.changed', { entity: 'driver', id: driver.id, change: 'created', actor: by.actor });
  return driver;
}
