/** Depots, vehicles and drivers leave the service in these shapes; credentials never do. */
import { slotCalendarToWire, type DepotResponse } from '../../protocol/depots';
import type { DriverResponse } from '../../protocol/drivers';
import { vehicleAsInput, type VehicleResponse } from '../../protocol/vehicles';
import type { Depot, Driver, Vehicle } from '../../domain/model/fleet';

export function presentDepot(depot: Depot): DepotResponse {
  return {
    id: depot.id,
    name: depot.name,
    location: depot.location,
    address: depot.address,
    timeZone: depot.timeZone,
    openingHours: depot.openingHours,
    serviceArea: depot.serviceArea,
    slotCalendar: slotCalendarToWire(depot.slotCalendar),
    arrivingSoon: depot.arrivingSoon,
    failurePolicy: { maxAttempts: depot.failurePolicy.maxAttempts, actions: { ...depot.failurePolicy.actions }, reattemptWindow: depot.failurePolicy.reattemptWindow },
    createdAt: depot.createdAt.toISOString(),
    updatedAt: depot.updatedAt.toISOString(),
  };
}

export function presentVehicle(vehicle: Vehicle, driverId: number | null): VehicleResponse {
  return {
    id: vehicle.id,
    ...vehicleAsInput(vehicle),
    driverId,
    createdAt: vehicle.createdAt.toISOString(),
    updatedAt: vehicle.updatedAt.toISOString(),
  };
}

export function presentDriver(driver: Driver): DriverResponse {
  return {
    id: driver.id,
    name: driver.name,
    phone: driver.phone,
    vehicleId: driver.vehicleId,
    username: driver.username,
    createdAt: driver.createdAt.toISOString(),
    updatedAt: driver.updatedAt.toISOString(),
  };
}
