/**
 * A shift is over once its earliest start (now, or where a live route continues) has reached its end: such a
 * vehicle can take no stop, and a solver problem holding it is invalid. Callers that can plan without it drop it;
 * otherwise the answer is a 409 naming the shifts and when they ended, in the depot's local time.
 */
import { conflict, type AppError } from '../errors';
import { localDate, toIsoInZone } from '../domain/time';
import type { PlanningInput, PlanningVehicle } from './planning-problem';

export const shiftOver = (vehicle: PlanningVehicle): boolean => vehicle.shift.startEpochSeconds >= vehicle.shift.endEpochSeconds;

/** "18:00" in the zone. */
const localClock = (epochSeconds: number, timeZone: string) => toIsoInZone(epochSeconds, timeZone).slice(11, 16);

/** The 409 for `over` (vehicles of `input` whose shift is over); "every shift" when no vehicle of the input is left. */
export function shiftsEnded(input: Pick<PlanningInput, 'depot' | 'vehicles'>, over: PlanningVehicle[]): AppError {
  const { timeZone } = input.depot;
  const latestEnd = Math.max(...over.map((vehicle) => vehicle.shift.endEpochSeconds));
  const date = localDate(timeZone, latestEnd);
  const details = over.map((vehicle) => ({
    path: 'vehicles',
    vehicleId: Number(vehicle.id),
    message: `the shift of vehicle ${vehicle.id} on ${localDate(timeZone, vehicle.shift.endEpochSeconds)} ended at ${localClock(vehicle.shift.endEpochSeconds, timeZone)}`,
  }));
  const message =
    over.length === input.vehicles.length
      ? `every shift of depot ${input.depot.id} on ${date} ended at ${localClock(latestEnd, timeZone)}`
      : `${details.map((detail) => detail.message).join('; ')}: ${over.length === 1 ? 'its route' : 'their routes'} cannot change now`;
  return conflict(message.charAt(0).toUpperCase() + message.slice(1), details);
}

/** Throws the 409 when any vehicle of the problem has no time left. */
export function assertShiftsOpen(input: Pick<PlanningInput, 'depot' | 'vehicles'>): void {
  const over = input.vehicles.filter(shiftOver);
  if (over.length > 0) throw shiftsEnded(input, over);
}
