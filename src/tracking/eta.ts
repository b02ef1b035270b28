/**
 * ETA maths: from where the vehicle is now, through its remaining stops in order, each leg's
 * road time, waiting for a window to open, then the stop's service time.
 */
import type { RoutingProvider } from '../routing/provider';
import type { LonLat } from '../domain/model/geometry';

export interface RemainingStop {
  location: LonLat;
  serviceSeconds: number;
  /** The earliest the stop may be served (its promised window's start). */
  earliestEpoch: number;
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
    clock = Math.max(arrival, stop.earliestEpoch) + stop.serviceSeconds;
  });
  return arrivals;
}

/** Seconds past the end of the latest promised window, or 0 when on time. */
export function lateness(etaEpoch: number, windows: { endEpochSeconds: number }[]): number {
  if (windows.length === 0) return 0;
  const latestEnd = Math.max(...windows.map((window) => window.endEpochSeconds));
  return Math.max(0, etaEpoch - latestEnd);
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
