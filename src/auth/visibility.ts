/** What a driver may see: their own vehicle and the orders assigned to it. Office roles see everything. */
import type { Principal } from './principal';
import type { Order } from '../domain/model/order';

export function canSeeOrder(principal: Principal, order: Order): boolean {
  return principal.role !== 'driver' || (principal.vehicleId !== null && order.assignedVehicleId === principal.vehicleId);
}

export function canSeeVehicle(principal: Principal, vehicleId: number): boolean {
  return principal.role !== 'driver' || principal.vehicleId === vehicleId;
}

export function canSeeDriver(principal: Principal, driverId: number): boolean {
  return principal.role !== 'driver' || principal.driverId === driverId;
}
