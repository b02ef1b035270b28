import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';

/** Removes the driver with their login and sessions (the user row cascades). */
export async function deleteDriver(context: CommandContext, driverId: number, by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    const driver = await repos.drivers.findById(driverId);
    if (!driver) throw notFound('Driver', driverId);
    await repos.users.delete(driver.userId);
  });
  context.events.publish('fleet.changed', { entity: 'driver', id: driverId, change: 'deleted', actor: by.actor });
}
