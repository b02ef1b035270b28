/**
 * The fast path of live insertion: every gap of the pending remainder of the routes passing closest to the order is
 * priced from the stored schedule (each stop's planned times and waiting give how much later it may be reached, computed backwards once
 * per route) and two one-to-many road tables from and to the new order, so a day of 1,000 stops is screened
 * without a matrix of the day. The cheapest gaps are then checked exactly by the solver's plan mode.
 */
import type { RoutingProvider } from '../routing/provider';
import type { LiveRoute } from './live-routes';
import type { Amounts } from '../domain/model/amounts';
import type { LonLat } from '../domain/model/geometry';
import type { Order } from '../domain/model/order';
import type { RouteDraft, StopRecord } from '../domain/model/route';
import type { VroomViolation } from '../../solver/index';

export interface InsertionCandidate {
  live: LiveRoute;
  /** Index in the pending remainder the order goes before (pending.length: at the end). */
  gap: number;
  /** Extra driving, seconds. */
  detourSeconds: number;
}

const fits = (load: Amounts, add: Order['demand'], capacity: Amounts) =>
  load.weightKg + add.weightKg <= capacity.weightKg && load.volumeL + add.volumeL <= capacity.volumeL && load.items + add.items <= capacity.items;

/** End of the promised window the stop's service starts in (no window: unbounded). */
function windowEnd(stop: StopRecord): number {
  if (stop.promisedWindows.length === 0) return Infinity;
  const window = stop.promisedWindows.find((w) => stop.serviceStartEpoch >= w.startEpochSeconds && stop.serviceStartEpoch <= w.endEpochSeconds);
  return window?.endEpochSeconds ?? stop.serviceStartEpoch;
}

/**
 * Feasible gaps over all routes, cheapest detour first. `shiftEndEpoch` is asked only for the routes screened
 * (working out a shift end means local midnight, which is not free, for 50 vans on every insertion).
 */
export async function rankInsertions(order: Order, routes: LiveRoute[], shiftEndEpoch: (live: LiveRoute) => number, roads: ProbeRoads): Promise<InsertionCandidate[]> {
  // The gap screen checks what a delivery adds to its trip; what a pickup adds along the route needs the planner ("plan again").
  if (order.kind === 'pickup' || order.kind === 'exchange') return [];
  const peaks = new Map<LiveRoute, Amounts[]>();
  for (const live of routes) {
    if (!order.requiredSkills.every((skill) => live.vehicle.skills.includes(skill))) continue;
    if (live.vehicle.maxStops !== null && live.route.stops.length >= live.vehicle.maxStops) continue;
    const loads = peakLoads(live);
    if (loads.some((load) => fits(load, order.demand, live.vehicle.capacity))) peaks.set(live, loads);
  }
  const eligible = nearest(order.location, [...peaks.keys()]);
  // Places: per route its start, its pending stops and its end, up to the last gap left in time
  // for the order's windows (a gap whose previous stop departs after every window closes cannot take it).
  const latestArrival = order.timeWindows.length === 0 ? Infinity : Math.max(...order.timeWindows.map((w) => w.endEpochSeconds));
  const coordinates: LonLat[] = [];
  const offsets: number[] = [];
  const lastGaps: number[] = [];
  for (const live of eligible) {
    let lastGap = -1;
    for (let gap = 0; gap <= live.pending.length; gap++) if (departureBefore(live, gap) <= latestArrival) lastGap = gap;
    const places = [live.anchor?.location ?? startOf(live), ...live.pending.map((stop) => stop.location), live.route.endLocation];
    offsets.push(coordinates.length);
    lastGaps.push(lastGap);
    coordinates.push(...places.slice(0, lastGap >= 0 ? lastGap + 2 : 0));
  }
  if (eligible.length === 0 || coordinates.length === 0) return [];
  if (roads.location[0] !== order.location[0] || roads.location[1] !== order.location[1]) throw new Error('the road legs are for another place');
  const { fromProbe: fromOrder, toProbe: toOrder } = await roads.legs(coordinates);

  const candidates: InsertionCandidate[] = [];
  eligible.forEach((live, r) => {
    const base = offsets[r]!;
    const { pending, fixed, route } = live;
    const n = pending.length;
    const shiftEnd = shiftEndEpoch(live);
    // slack[k]: how much later than planned stop k (or the route end, k = n) may be reached.
    const slack = new Array<number>(n + 1);
    slack[n] = shiftEnd - route.arrivalEpoch;
    for (let k = n - 1; k >= 0; k--) {
      const stop = pending[k]!;
      slack[k] = stop.waitingSeconds + Math.min(windowEnd(stop) - stop.serviceStartEpoch, slack[k + 1]!);
    }
    const lastFixed = fixed[fixed.length - 1];
    const loads = peaks.get(live)!;
    for (let gap = 0; gap <= lastGaps[r]!; gap++) {
      if (!fits(loads[gap]!, order.demand, live.vehicle.capacity)) continue;
      const prev = gap === 0 ? null : pending[gap - 1]!;
      const prevDeparture = departureBefore(live, gap);
      const prevDriving = prev?.drivingFromStartSeconds ?? lastFixed?.drivingFromStartSeconds ?? 0;
      const toNew = toOrder[base + gap];
      if (toNew === null || toNew === undefined) continue;
      const arrival = prevDeparture + toNew;
      const window = order.timeWindows.length === 0 ? { startEpochSeconds: arrival, endEpochSeconds: Infinity } : order.timeWindows.find((w) => w.endEpochSeconds >= arrival);
      if (!window) continue;
      const departure = Math.max(arrival, window.startEpochSeconds) + order.serviceSeconds;
      const atEnd = gap === n;
      const next = atEnd ? null : pending[gap]!;
      const openEnd = atEnd && !route.returnsToDepot && n > 0;
      const fromNew = openEnd ? 0 : fromOrder[base + gap + 1];
      if (fromNew === null || fromNew === undefined) continue;
      const oldLeg = next ? next.drivingFromStartSeconds - prevDriving : openEnd ? 0 : route.drivingSeconds - prevDriving;
      if (openEnd ? departure > shiftEnd : departure + fromNew - (next?.plannedArrivalEpoch ?? route.arrivalEpoch) > slack[gap]!) continue;
      candidates.push({ live, gap, detourSeconds: toNew + fromNew - oldLeg });
    }
  });
  return candidates.sort((a, b) => a.detourSeconds - b.detourSeconds);
}

/**
 * Road seconds between one new place and others (rounded as `table` answers), each place asked once: a quote screens
 * the same routes for every window of a date, so each further window costs only the places it adds.
 */
export class ProbeRoads {
  private readonly known = new Map<string, { fromProbe: number | null; toProbe: number | null }>();

  constructor(
    readonly location: LonLat,
    private readonly routing: RoutingProvider,
  ) {}

  /** Seconds from the probe to each place and from each place to it; null where no road leads. */
  async legs(places: LonLat[]): Promise<{ fromProbe: (number | null)[]; toProbe: (number | null)[] }> {
    const keyOf = (place: LonLat) => `${place[0]},${place[1]}`;
    const missing = [...new Map(places.filter((place) => !this.known.has(keyOf(place))).map((place) => [keyOf(place), place])).values()];
    if (missing.length > 0) {
      const coordinates = [this.location, ...missing];
      const all = coordinates.map((_, index) => index);
      const [from, to] = await Promise.all([
        this.routing.table({ coordinates, sources: [0], destinations: all }),
        this.routing.table({ coordinates, sources: all, destinations: [0] }),
      ]);
      coordinates.forEach((place, index) => this.known.set(keyOf(place), { fromProbe: from.durations[0]![index]!, toProbe: to.durations[index]![0]! }));
    }
    const found = places.map((place) => this.known.get(keyOf(place))!);
    return { fromProbe: found.map((leg) => leg.fromProbe), toProbe: found.map((leg) => leg.toProbe) };
  }
}

/**
 * Per gap of the pending remainder, the most the van carries from where the gap's trip begins (or from now) up to the
 * gap: a delivery put there rides along all that way. Multi-trip: a gap belongs to the trip of the stop after it
 * (the end: the last trip), so an order inserted into trip 2 must fit trip 2.
 */
export function peakLoads(live: LiveRoute): Amounts[] {
  const { route, fixed, pending } = live;
  const tripOf = (stop: StopRecord) => route.reloads.filter((reload) => reload.afterSequence < stop.sequence).length;
  const peaks: Amounts[] = [];
  let prev = fixed[fixed.length - 1];
  let peak: Amounts | undefined;
  for (let gap = 0; gap <= pending.length; gap++) {
    const next = pending[gap];
    // The load just before the gap: after the stop before it on the same trip, else what the trip left the depot with.
    const startsTrip = next !== undefined && (prev === undefined || tripOf(prev) !== tripOf(next));
    const trip = next ? tripOf(next) : 0;
    const here = startsTrip ? (trip === 0 ? route.initialLoad : route.reloads[trip - 1]!.load) : (prev?.loadAfter ?? route.initialLoad);
    peak = startsTrip || peak === undefined ? here : maxAmounts(peak, here);
    peaks.push(peak);
    if (next) prev = next;
  }
  return peaks;
}

const maxAmounts = (a: Amounts, b: Amounts): Amounts => ({ weightKg: Math.max(a.weightKg, b.weightKg), volumeL: Math.max(a.volumeL, b.volumeL), items: Math.max(a.items, b.items) });

/** When the vehicle leaves the place before the gap, as planned. */
function departureBefore(live: LiveRoute, gap: number): number {
  if (gap > 0) return live.pending[gap - 1]!.plannedDepartureEpoch;
  return live.anchor?.epochSeconds ?? live.fixed[live.fixed.length - 1]?.plannedDepartureEpoch ?? live.route.departureEpoch;
}

/** Only routes passing close by can take the order cheaply: the road tables cover the closest few, by straight line. */
const NEAREST_ROUTES = 12;

function nearest(location: LonLat, routes: LiveRoute[]): LiveRoute[] {
  if (routes.length <= NEAREST_ROUTES) return routes;
  const cosLat = Math.cos((location[1] * Math.PI) / 180);
  const gap = (point: LonLat) => Math.hypot((point[0] - location[0]) * cosLat, point[1] - location[1]);
  const closest = (live: LiveRoute) => Math.min(gap(live.anchor?.location ?? startOf(live)), ...live.pending.map((stop) => gap(stop.location)));
  return routes
    .map((route) => ({ route, distance: closest(route) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, NEAREST_ROUTES)
    .map(({ route }) => route);
}

function startOf(live: LiveRoute): LonLat {
  return live.fixed[live.fixed.length - 1]?.location ?? live.route.startLocation;
}

const severity = (violations: VroomViolation[]) => violations.reduce((total, violation) => total + (violation.duration ?? 1), 0);

/** Whether the new stop is violated, or any other stop or the route is worse than before (a route may already be late). */
export function addsViolations(before: Pick<RouteDraft, 'stops' | 'violations'>, draft: RouteDraft, orderId: number): boolean {
  const severities = new Map(before.stops.map((stop) => [stop.orderId, severity(stop.violations)]));
  const causes = new Set(before.violations.map((violation) => violation.cause));
  if (draft.violations.some((violation) => !causes.has(violation.cause))) return true;
  return draft.stops.some((stop) => (stop.orderId === orderId ? stop.violations.length > 0 : severity(stop.violations) > (severities.get(stop.orderId) ?? 0)));
}
