import { hashPassword } from '../auth/passwords';
import type { Principal } from '../auth/principal';
import { notFound } from '../errors';
import type { DriverPatch } from '../protocol/drivers';
import { inTransaction, type CommandContext } from './context';
import { assertVehicleFree } from './rules';
import type { Driver } from '../domain/model/fleet';

export async function updateDriver(context: CommandContext, driverId: number, patch: DriverPatch, by: Principal): Promise<Driver> {
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  const driver = await inTransaction(context, async (repos) => {
    const current = await repos.drivers.findById(driverId);
    if (!current) throw notFound('Driver', driverId);
    const next = {
      name: patch.name ?? current.name,
      phone: patch.phone === undefined ? current.phone : patch.phone,
      vehicleId: patch.vehicleId === undefined ? current.vehicleId : patch.vehicleId,
    };
    await assertVehicleFree(repos, next.vehicleId, driverId);
    await repos.users.update(current.userId, { name: patch.name, passwordHash });
    return repos.drivers.update(driverId, next);
  });
  context.events.publish('fleet.changed', { entity: 'driver', id: driverId, change: 'updated', actor: by.actor });
  return driver;
}
