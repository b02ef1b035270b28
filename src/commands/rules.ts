/** Checks shared by commands: a vehicle exists and has no other driver; a username is free. */
import type { Repositories } from '../db/repositories';
import { conflict, invalidInput } from '../errors';

export async function assertVehicleFree(repos: Repositories, vehicleId: number | null, driverId: number | null): Promise<void> {
  if (vehicleId === null) return;
  if (!(await repos.vehicles.findById(vehicleId))) {
    throw invalidInput('Unknown vehicle', [{ path: 'vehicleId', message: `vehicle ${vehicleId} does not exist` }]);
  }
  const holder = await repos.drivers.findByVehicleId(vehicleId);
  if (holder && holder.id !== driverId) {
    throw conflict(`Vehicle ${vehicleId} is already driven by driver ${holder.id}`, [{ path: 'vehicleId', message: 'taken by another driver' }]);
  }
}

export async function assertUsernameFree(repos: Repositories, username: string): Promise<void> {
  if (await repos.users.findByUsername(username)) {
    throw conflict(`The username "${username}" is taken`, [{ path: 'username', message: 'already in use' }]);
  }
}
