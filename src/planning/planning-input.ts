/**
 * Stored depots, vehicles and orders → the solving layer's PlanningInput for one local date. Vehicle shifts and
 * breaks are local clock seconds at the start depot, turned into epoch seconds on the plan's date.
 */
import { localClockEpochSeconds } from '../domain/time';
import type { PlanningInput, PlanningOrder, PlanningVehicle } from '../solving/planning-problem';
import type { Depot, Vehicle } from '../domain/model/fleet';
import type { LonLat } from '../domain/model/geometry';
import type { Order } from '../domain/model/order';

/** Where and from when a live route continues: the vehicle's last known position, not the depot at shift start. */
export interface LiveStart {
  location: LonLat;
  epochSeconds: number;
  /** Multi-trip: reloads already made today, which count against the van's most trips. */
  reloadsMade?: number;
}

/**
 * `notBeforeEpoch`: no route leaves before it (now, for a plan of today made after the shifts began); a live
 * route leaves from its `liveStart`.
 */
export function planningVehicle(vehicle: Vehicle, depotsById: Map<number, Depot>, date: string, liveStart?: LiveStart, notBeforeEpoch = -Infinity): PlanningVehicle {
  const start = depotsById.get(vehicle.startDepotId)!;
  const end = vehicle.endDepotId === null ? null : depotsById.get(vehicle.endDepotId)!;
  const reloadAt = vehicle.reload && (vehicle.reload.depotId === null ? start : depotsById.get(vehicle.reload.depotId)!);
  // Shift and break times are clock times at the start depot, also on the days its offset changes.
  const at = (secondsOfDay: number) => localClockEpochSeconds(date, secondsOfDay, start.timeZone);
  const shiftStart = at(vehicle.shiftStartSeconds);
  // The longest shift counts from the shift start, also for a route that continues mid-day.
  const shiftEnd = Math.min(at(vehicle.shiftEndSeconds), shiftStart + (vehicle.maxShiftSeconds ?? Infinity));
  return {
    id: String(vehicle.id),
    capacity: vehicle.capacity,
    skills: vehicle.skills,
    shift: { startEpochSeconds: Math.max(shiftStart, liveStart?.epochSeconds ?? -Infinity, notBeforeEpoch), endEpochSeconds: shiftEnd },
    startLocation: liveStart?.location ?? start.location,
    endLocation: end?.location ?? null,
    costs: vehicle.costs,
    maxStops: vehicle.maxStops,
    maxShiftSeconds: null,
    maxDrivingSeconds: null,
    breaks: vehicle.breaks.map((pause, index) => ({
      id: `${vehicle.id}:${index}`,
      windows: pause.windows.map(([from, to]) => ({ startEpochSeconds: at(from), endEpochSeconds: at(to) })),
      durationSeconds: pause.durationSeconds,
    })),
    reload: vehicle.reload && reloadAt ? { location: reloadAt.location, serviceSeconds: vehicle.reload.serviceSeconds, maxTrips: tripsLeft(vehicle.reload.maxTrips, liveStart?.reloadsMade ?? 0) } : null,
  };
}

export function planningOrder(order: Order): PlanningOrder {
  return {
    id: String(order.id),
    location: order.location,
    timeWindows: order.timeWindows,
    serviceSeconds: order.serviceSeconds,
    demand: order.demand,
    priority: order.priority,
    requiredSkills: order.requiredSkills,
    kind: order.kind,
    pickup: order.pickup,
  };
}

/** The trips a van on trip `reloadsMade + 1` may still make, this one counted. */
const tripsLeft = (maxTrips: number | null, reloadsMade: number) => (maxTrips === null ? null : Math.max(1, maxTrips - reloadsMade));

export function planningInput(depot: Depot, date: string, vehicles: Vehicle[], orders: Order[], depotsById: Map<number, Depot>, liveStarts = new Map<number, LiveStart>(), notBeforeEpoch = -Infinity): PlanningInput {
  return {
    depot: { id: String(depot.id), location: depot.location, timeZone: depot.timeZone },
    vehicles: vehicles.map((vehicle) => planningVehicle(vehicle, depotsById, date, liveStarts.get(vehicle.id), notBeforeEpoch)),
    orders: orders.map(planningOrder),
  };
}
