/**
 * ETA maths: from where the vehicle is now, through its remaining stops in order, each leg's
 * road time, waiting for a window to open, then the stop's service time.
 */
import type { RoutingProvider } from '../routing/provider';
import type { LonLat } from '../domain/model/geometry';
import type { EpochWindow } from '../domain/model/time-window';
import { expectedServiceStart } from '../domain/stop-times';

export interface RemainingStop {
  location: LonLat;
  serviceSeconds: number;
  /** Service waits for a window to open (`expectedServiceStart`). */
  promisedWindows: EpochWindow[];
}

/**
 * Arrival times at each remaining stop. `legSeconds[i]` is the drive into stop i (from the vehicle
 * for i = 0); `readyEpoch` is when the vehicle can leave where it is (now, or after the service
 * under way at the stop it stands at).
 */
export function projectArrivals(readyEpoch: number, legSeconds: number[], stops: RemainingStop[]): number[] {
  const arrivals: number[] = [];
  let clock = readyEpoch;
  stops.forEach((stop, index) => {
    const arrival = clock + legSeconds[index]!;
    arrivals.push(Math.round(arrival));
    clock = expectedServiceStart(arrival, stop.promisedWindows) + stop.serviceSeconds;
  });
  return arrivals;
}

/**
 * Arrivals at the stops ahead, leaving `origin` at `readyEpoch`, with leg times from the road
 * network (one table request); a leg it cannot route falls back to `fallbackLegSeconds`.
 */
export async function estimateArrivals(
  routing: RoutingProvider,
  origin: LonLat,
  readyEpoch: number,
  stops: RemainingStop[],
  fallbackLegSeconds: (index: number) => number,
): Promise<number[]> {
  const coordinates = [origin, ...stops.map((stop) => stop.location)];
  const table = await routing.table({ coordinates, sources: stops.map((_, index) => index), destinations: stops.map((_, index) => index + 1) });
  const legSeconds = stops.map((_, index) => table.durations[index]![index] ?? fallbackLegSeconds(index));
  return projectArrivals(readyEpoch, legSeconds, stops);
}
