/**
 * Report facts: what one order and one route came to, derived from their events, stops, outcomes, rating
 * and GPS fixes. Pure: the reaction gathers the sources and stores the facts; reports aggregate stored facts.
 * The definitions are written down in docs/kpis.md; change both together.
 */
import { expectedServiceStart } from '../stop-times';
import type { StopStatus } from '../model/route';
import type { EpochWindow } from '../model/time-window';
import { localDate } from '../time';

export interface OrderFactSource {
  orderId: number;
  depotId: number | null;
  timeZone: string;
  addressText: string;
  status: string;
  windows: EpochWindow[];
  /** Every event of the order, oldest first; types this module does not know are ignored. */
  events: { id: number; type: string; toStatus: string | null; occurredAtEpoch: number }[];
  /** Every stop the order had, on any plan, oldest first. */
  stops: {
    routeId: number;
    vehicleId: number;
    driverId: number | null;
    status: StopStatus;
    promisedWindows: EpochWindow[];
    dispatchedEtaEpoch: number | null;
    liveEtaEpoch: number | null;
    actualArrivalEpoch: number | null;
    completedAtEpoch: number | null;
    failureReason: string | null;
  }[];
  rating: number | null;
  ratingComment: string | null;
}

export interface OrderFact {
  orderId: number;
  depotId: number | null;
  serviceDay: string;
  vehicleId: number | null;
  driverId: number | null;
  routeId: number | null;
  area: string | null;
  windowLabel: string;
  windowStartEpoch: number;
  windowEndEpoch: number;
  status: string;
  receivedEpoch: number | null;
  dispatchedEpoch: number | null;
  deliveredEpoch: number | null;
  attempts: number;
  failureReasons: string[];
  earlySeconds: number | null;
  lateSeconds: number | null;
  dispatchedEtaErrorSeconds: number | null;
  liveEtaErrorSeconds: number | null;
  rating: number | null;
  ratingComment: string | null;
  lastEventId: number;
}

/** A five-digit postcode in the address (German style); null when it has none. */
export function areaOf(addressText: string): string | null {
  return /\b(\d{5})\b/.exec(addressText)?.[1] ?? null;
}

function localClock(epochSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(epochSeconds * 1000));
}

/** Seconds before the first window opened, or after the latest window that closed before `epoch`; [0, 0] inside one. */
export function earlyLateSeconds(epoch: number, windows: readonly EpochWindow[]): [number, number] {
  if (windows.length === 0 || windows.some((window) => epoch >= window.startEpochSeconds && epoch <= window.endEpochSeconds)) return [0, 0];
  const firstStart = Math.min(...windows.map((window) => window.startEpochSeconds));
  if (epoch < firstStart) return [firstStart - epoch, 0];
  const closedEnd = Math.max(...windows.filter((window) => window.endEpochSeconds < epoch).map((window) => window.endEpochSeconds));
  return [0, epoch - closedEnd];
}

const served = (status: StopStatus) => status === 'completed' || status === 'failed';

export function orderFact(source: OrderFactSource): OrderFact {
  const windows = [...source.windows].sort((a, b) => a.startEpochSeconds - b.startEpochSeconds);
  const first = windows[0] ?? { startEpochSeconds: 0, endEpochSeconds: 0 };
  const servedStops = source.stops.filter((stop) => served(stop.status));
  const delivering = servedStops.find((stop) => stop.status === 'completed') ?? null;
  const last = servedStops[servedStops.length - 1] ?? source.stops[source.stops.length - 1] ?? null;
  const firstEventTo = (status: string) => source.events.find((event) => event.type === 'status_changed' && event.toStatus === status)?.occurredAtEpoch ?? null;
  const deliveredEvents = source.events.filter((event) => event.type === 'status_changed' && event.toStatus === 'delivered');
  const created = source.events.find((event) => event.type === 'created');
  const [earlySeconds, lateSeconds] = delivering?.completedAtEpoch != null ? earlyLateSeconds(delivering.completedAtEpoch, delivering.promisedWindows) : [null, null];
  const etaError = (eta: number | null) => {
    const stop = servedStops[servedStops.length - 1];
    if (!stop || eta === null || stop.actualArrivalEpoch === null) return null;
    return expectedServiceStart(eta, stop.promisedWindows) - expectedServiceStart(stop.actualArrivalEpoch, stop.promisedWindows);
  };
  const lastServed = servedStops[servedStops.length - 1] ?? null;
  return {
    orderId: source.orderId,
    depotId: source.depotId,
    serviceDay: localDate(source.timeZone, first.startEpochSeconds),
    vehicleId: last?.vehicleId ?? null,
    driverId: last?.driverId ?? null,
    routeId: last?.routeId ?? null,
    area: areaOf(source.addressText),
    windowLabel: `${localClock(first.startEpochSeconds, source.timeZone)}-${localClock(first.endEpochSeconds, source.timeZone)}`,
    windowStartEpoch: first.startEpochSeconds,
    windowEndEpoch: first.endEpochSeconds,
    status: source.status,
    receivedEpoch: created?.occurredAtEpoch ?? null,
    dispatchedEpoch: firstEventTo('dispatched') ?? firstEventTo('out_for_delivery'),
    deliveredEpoch: deliveredEvents[deliveredEvents.length - 1]?.occurredAtEpoch ?? null,
    attempts: servedStops.length,
    failureReasons: servedStops.filter((stop) => stop.status === 'failed').map((stop) => stop.failureReason ?? 'unknown'),
    earlySeconds,
    lateSeconds,
    dispatchedEtaErrorSeconds: etaError(lastServed?.dispatchedEtaEpoch ?? null),
    liveEtaErrorSeconds: etaError(lastServed?.liveEtaEpoch ?? null),
    rating: source.rating,
    ratingComment: source.ratingComment,
    lastEventId: source.events[source.events.length - 1]?.id ?? 0,
  };
}

export interface VehicleCosts {
  fixed: number;
  perHour: number;
  perKm: number;
}

/** A day of a vehicle: the fixed cost, plus its hours and kilometres at their rates. */
export function vehicleCost(costs: VehicleCosts, seconds: number, meters: number): number {
  return costs.fixed + (costs.perHour * seconds) / 3600 + (costs.perKm * meters) / 1000;
}

export interface RouteFactSource {
  routeId: number;
  planId: number;
  depotId: number;
  planDate: string;
  vehicleId: number;
  driverId: number | null;
  costs: VehicleCosts;
  plannedMeters: number;
  departureEpoch: number;
  arrivalEpoch: number;
  stops: { sequence: number; status: StopStatus; completedAtEpoch: number | null }[];
  /** What the GPS fixes from the dispatch to the day's end say; null without fixes. */
  trail: { meters: number; firstEpoch: number; lastEpoch: number } | null;
}

export interface RouteFact {
  routeId: number;
  planId: number;
  depotId: number;
  serviceDay: string;
  vehicleId: number;
  driverId: number | null;
  plannedMeters: number;
  plannedSeconds: number;
  plannedStops: number;
  plannedCost: number;
  actualMeters: number;
  actualSeconds: number;
  servedStops: number;
  deliveredStops: number;
  actualCost: number;
  servedSequence: number[];
  servedInOrder: boolean;
}

export function routeFact(source: RouteFactSource): RouteFact {
  const plannedSeconds = source.arrivalEpoch - source.departureEpoch;
  const servedStops = source.stops.filter((stop) => served(stop.status) && stop.completedAtEpoch !== null).sort((a, b) => a.completedAtEpoch! - b.completedAtEpoch! || a.sequence - b.sequence);
  const servedSequence = servedStops.map((stop) => stop.sequence);
  const actualMeters = source.trail?.meters ?? 0;
  // Fixes carry fractions of a second (a phone's timestamp); the fact counts whole seconds.
  const actualSeconds = source.trail ? Math.round(source.trail.lastEpoch - source.trail.firstEpoch) : 0;
  return {
    routeId: source.routeId,
    planId: source.planId,
    depotId: source.depotId,
    serviceDay: source.planDate,
    vehicleId: source.vehicleId,
    driverId: source.driverId,
    plannedMeters: source.plannedMeters,
    plannedSeconds,
    plannedStops: source.stops.length,
    plannedCost: vehicleCost(source.costs, plannedSeconds, source.plannedMeters),
    actualMeters,
    actualSeconds,
    servedStops: servedStops.length,
    deliveredStops: servedStops.filter((stop) => stop.status === 'completed').length,
    // A van that served nothing did not go out: it cost nothing that day.
    actualCost: servedStops.length > 0 ? vehicleCost(source.costs, actualSeconds, actualMeters) : 0,
    servedSequence,
    servedInOrder: servedSequence.every((sequence, index) => index === 0 || sequence > servedSequence[index - 1]!),
  };
}
