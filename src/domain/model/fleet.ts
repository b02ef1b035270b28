/** The fleet: depots, vehicles and the drivers who drive them. Shift and break times are seconds after local midnight at the start depot. */
import type { Amounts } from './amounts';
import type { FailurePolicy, FailurePolicyInput } from '../failure-policy';
import type { LonLat, ServiceArea } from './geometry';
import type { SlotCalendar } from './slot-calendar';

/** Local opening times per weekday ("mon" … "sun"), each a list of ["HH:MM", "HH:MM"]. */
export type OpeningHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;

export interface Depot {
  id: number;
  name: string;
  location: LonLat;
  address: string;
  timeZone: string;
  openingHours: OpeningHours;
  /** Orders outside are refused; null: the road network's extent. */
  serviceArea: ServiceArea | null;
  /** The delivery windows customers may choose. */
  slotCalendar: SlotCalendar;
  /** When its customers hear "arriving soon"; null: the service's defaults (ARRIVING_SOON_MINUTES / _STOPS). */
  arrivingSoon: ArrivingSoonRule | null;
  /** With the defaults filled in. */
  failurePolicy: FailurePolicy;
  createdAt: Date;
  updatedAt: Date;
}

/** serviceArea absent: none of its own (the road network's extent); slotCalendar absent: the default one; failurePolicy absent: the defaults. */
export type DepotContent = Pick<Depot, 'name' | 'location' | 'address' | 'timeZone' | 'openingHours'> & {
  serviceArea?: ServiceArea | null;
  slotCalendar?: SlotCalendar;
  arrivingSoon?: ArrivingSoonRule | null;
  failurePolicy?: FailurePolicyInput | null;
};

/** "Arriving soon" goes out when the live ETA is this many minutes away, or this many stops are left before it; 0 turns a rule off. */
export interface ArrivingSoonRule {
  minutes: number;
  stops: number;
}

export interface VehicleBreak {
  /** [startSeconds, endSeconds] after local midnight in which the break may start and end. */
  windows: [number, number][];
  durationSeconds: number;
}

/** Multi-trip: the vehicle may go back to a depot during its shift to reload, taking serviceSeconds each time. */
export interface VehicleReload {
  /** null: the start depot. */
  depotId: number | null;
  serviceSeconds: number;
  /** null: as many trips as the shift allows. */
  maxTrips: number | null;
}

export interface Vehicle {
  id: number;
  name: string;
  startDepotId: number;
  /** null: the route ends at its last stop. */
  endDepotId: number | null;
  capacity: Amounts;
  skills: string[];
  shiftStartSeconds: number;
  shiftEndSeconds: number;
  costs: { fixed: number; perHour: number; perKm: number };
  maxStops: number | null;
  maxShiftSeconds: number | null;
  breaks: VehicleBreak[];
  /** null: one trip. */
  reload: VehicleReload | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Every depot a vehicle's route may touch: where it starts, ends and reloads. */
export function vehicleDepotIds(vehicle: Vehicle): number[] {
  return [vehicle.startDepotId, ...(vehicle.endDepotId === null ? [] : [vehicle.endDepotId]), ...(vehicle.reload?.depotId ? [vehicle.reload.depotId] : [])];
}

export type VehicleContent = Omit<Vehicle, 'id' | 'createdAt' | 'updatedAt'>;

export interface Driver {
  id: number;
  name: string;
  phone: string | null;
  vehicleId: number | null;
  userId: number;
  username: string;
  createdAt: Date;
  updatedAt: Date;
}
