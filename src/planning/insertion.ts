/**
 * The fast path of live insertion: every gap of the pending remainder of the routes passing closest to the order is
 * priced from the stored schedule (each stop's planned times and waiting give how much later it may be reached, computed backwards once
 * per route) and two one-to-many road tables from and to the new order, so a day of 1,000 stops is screened
 * without a matrix of the day. The cheapest gaps are then checked exactly by the solver's plan mode.
 */
import type { NearestResult, RouteRequest, RouteResult, RoutingProvider, TableRequest, TableResult, Waypoint } from '../routing/provider';
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
 * What screening a route needs of it, whatever the order: its places (start, pending stops, end) with their keys,
 * when the van leaves each gap's previous place, and each place's slack. A route is screened for every window of a
 * quote and every order a forecast places, and a LiveRoute is never changed (a changed route is a new one).
 */
interface RouteScreen {
  shiftEnd: number;
  places: LonLat[];
  keys: string[];
  /** departures[gap]: when the van leaves the place before the gap, as planned. */
  departures: number[];
  /** slack[k]: how much later than planned stop k (or the route end, k = n) may be reached. */
  slack: number[];
}

const screens = new WeakMap<LiveRoute, RouteScreen>();

function screenOf(live: LiveRoute, shiftEnd: number): RouteScreen {
  const known = screens.get(live);
  if (known && known.shiftEnd === shiftEnd) return known;
  const { pending, route } = live;
  const n = pending.length;
  const places = [live.anchor?.location ?? startOf(live), ...pending.map((stop) => stop.location), route.endLocation];
  const slack = new Array<number>(n + 1);
  slack[n] = shiftEnd - route.arrivalEpoch;
  for (let k = n - 1; k >= 0; k--) {
    const stop = pending[k]!;
    slack[k] = stop.waitingSeconds + Math.min(windowEnd(stop) - stop.serviceStartEpoch, slack[k + 1]!);
  }
  const departures = Array.from({ length: n + 1 }, (_, gap) => departureBefore(live, gap));
  const screen = { shiftEnd, places, keys: places.map(placeKey), departures, slack };
  screens.set(live, screen);
  return screen;
}

/**
 * Feasible gaps over all routes, cheapest detour first. `shiftEndEpoch` is asked only for the routes screened
 * (working out a shift end means local midnight, which is not free, for 50 vans on every insertion).
 */
export async function rankInsertions(order: Order, routes: LiveRoute[], shiftEndEpoch: (live: LiveRoute) => number, roads: ProbeRoads): Promise<InsertionCandidate[]> {
  // The gap screen checks what a delivery adds to its trip; what a pickup adds along the route needs the planner ("plan again").
  if (order.kind === 'pickup' || order.kind === 'exchange') return [];
  if (roads.location[0] !== order.location[0] || roads.location[1] !== order.location[1]) throw new Error('the road legs are for another place');
  const peaks = new Map<LiveRoute, Amounts[]>();
  for (const live of routes) {
    if (!order.requiredSkills.every((skill) => live.vehicle.skills.includes(skill))) continue;
    if (live.vehicle.maxStops !== null && live.route.stops.length >= live.vehicle.maxStops) continue;
    const loads = peakLoads(live);
    if (loads.some((load) => fits(load, order.demand, live.vehicle.capacity))) peaks.set(live, loads);
  }
  const eligible = roads.nearest([...peaks.keys()]);
  // Places: per route its start, its pending stops and its end, up to the last gap left in time
  // for the order's windows (a gap whose previous stop departs after every window closes cannot take it).
  const latestArrival = order.timeWindows.length === 0 ? Infinity : Math.max(...order.timeWindows.map((w) => w.endEpochSeconds));
  const screened = eligible.map((live) => {
    const screen = screenOf(live, shiftEndEpoch(live));
    let lastGap = -1;
    for (let gap = 0; gap <= live.pending.length; gap++) if (screen.departures[gap]! <= latestArrival) lastGap = gap;
    return { live, screen, lastGap };
  });
  const places = screened.flatMap(({ screen, lastGap }) => screen.places.slice(0, lastGap >= 0 ? lastGap + 2 : 0));
  if (places.length === 0) return [];
  const keys = screened.flatMap(({ screen, lastGap }) => screen.keys.slice(0, lastGap >= 0 ? lastGap + 2 : 0));
  const legs = await roads.legsByKey(keys, places);

  const candidates: InsertionCandidate[] = [];
  let base = 0;
  for (const { live, screen, lastGap } of screened) {
    const { pending, fixed, route } = live;
    const { departures, slack, shiftEnd } = screen;
    const n = pending.length;
    const lastFixed = fixed[fixed.length - 1];
    const loads = peaks.get(live)!;
    for (let gap = 0; gap <= lastGap; gap++) {
      if (!fits(loads[gap]!, order.demand, live.vehicle.capacity)) continue;
      const prev = gap === 0 ? null : pending[gap - 1]!;
      const prevDriving = prev?.drivingFromStartSeconds ?? lastFixed?.drivingFromStartSeconds ?? 0;
      const toNew = legs[base + gap]!.toProbe;
      if (toNew === null) continue;
      const arrival = departures[gap]! + toNew;
      const window = order.timeWindows.length === 0 ? { startEpochSeconds: arrival, endEpochSeconds: Infinity } : order.timeWindows.find((w) => w.endEpochSeconds >= arrival);
      if (!window) continue;
      const departure = Math.max(arrival, window.startEpochSeconds) + order.serviceSeconds;
      const atEnd = gap === n;
      const next = atEnd ? null : pending[gap]!;
      const openEnd = atEnd && !route.returnsToDepot && n > 0;
      const fromNew = openEnd ? 0 : legs[base + gap + 1]?.fromProbe;
      if (fromNew === null || fromNew === undefined) continue;
      const oldLeg = next ? next.drivingFromStartSeconds - prevDriving : openEnd ? 0 : route.drivingSeconds - prevDriving;
      if (openEnd ? departure > shiftEnd : departure + fromNew - (next?.plannedArrivalEpoch ?? route.arrivalEpoch) > slack[gap]!) continue;
      candidates.push({ live, gap, detourSeconds: toNew + fromNew - oldLeg });
    }
    base += lastGap >= 0 ? lastGap + 2 : 0;
  }
  return candidates.sort((a, b) => a.detourSeconds - b.detourSeconds);
}

/** One leg to and from the probe: seconds and metres as `table` answers them, null where no road leads. */
interface ProbeLeg {
  fromProbe: number | null;
  toProbe: number | null;
  fromProbeMeters: number | null;
  toProbeMeters: number | null;
  /** Where the place snapped to the road network. */
  waypoint: Waypoint;
}

export const placeKey = (place: LonLat) => `${place[0]},${place[1]}`;

/**
 * Road legs between one new place and others (as `table` answers them), each place asked once: a quote screens
 * the same routes for every window of a date, so each further window costs only the places it adds, and the
 * exact check of a route (RouteRoads) takes the new place's row and column from here.
 */
export class ProbeRoads {
  private readonly known = new Map<string, ProbeLeg>();

  constructor(
    readonly location: LonLat,
    private readonly routing: RoutingProvider,
  ) {}

  /** Every leg of `places` (the probe itself among them: its own snap and zero legs, as a table gives them). */
  legsOf(places: LonLat[]): Promise<ProbeLeg[]> {
    return this.legsByKey(places.map(placeKey), places);
  }

  /** legsOf() with each place's placeKey already at hand. */
  async legsByKey(keys: string[], places: LonLat[]): Promise<ProbeLeg[]> {
    const missing = [...new Map(places.flatMap((place, index) => (this.known.has(keys[index]!) ? [] : [[keys[index]!, place] as const]))).values()];
    if (missing.length > 0) {
      const coordinates = [this.location, ...missing];
      const all = coordinates.map((_, index) => index);
      const [from, to] = await Promise.all([
        this.routing.table({ coordinates, sources: [0], destinations: all }),
        this.routing.table({ coordinates, sources: all, destinations: [0] }),
      ]);
      coordinates.forEach((place, index) =>
        this.known.set(placeKey(place), { fromProbe: from.durations[0]![index]!, toProbe: to.durations[index]![0]!, fromProbeMeters: from.distances[0]![index]!, toProbeMeters: to.distances[index]![0]!, waypoint: from.destinations[index]! }),
      );
    }
    return keys.map((key) => this.known.get(key)!);
  }

  /** Only routes passing close by can take the order cheaply: the road tables cover the closest few, by straight line. */
  nearest(routes: LiveRoute[]): LiveRoute[] {
    if (routes.length <= NEAREST_ROUTES) return routes;
    return routes
      .map((route) => ({ route, distance: this.straightTo(route) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, NEAREST_ROUTES)
      .map(({ route }) => route);
  }

  private readonly straight = new WeakMap<LiveRoute, number>();

  /** How close the route passes, in degrees scaled to the probe's latitude (asked once per route for every window). */
  private straightTo(live: LiveRoute): number {
    let distance = this.straight.get(live);
    if (distance === undefined) {
      const cosLat = Math.cos((this.location[1] * Math.PI) / 180);
      const gap = (point: LonLat) => Math.hypot((point[0] - this.location[0]) * cosLat, point[1] - this.location[1]);
      distance = gap(live.anchor?.location ?? startOf(live));
      for (const stop of live.pending) distance = Math.min(distance, gap(stop.location));
      this.straight.set(live, distance);
    }
    return distance;
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

/** A square table over a route's places, as its last evaluation read it. */
export interface RouteTable {
  index: Map<string, number>;
  table: TableResult;
}

/**
 * The road network as a route's exact check sees it: a square table over places the route's last table holds, plus
 * the probe, is put together from that table and the probe's legs, so checking an insertion asks the network about
 * no place but the new one (and that once per quote). Anything else is asked of the network. `last` is the table of
 * the latest evaluation, for the route to keep once the insertion is made.
 */
export class RouteRoads implements RoutingProvider {
  readonly name: RoutingProvider['name'];
  last: RouteTable | null = null;

  constructor(
    private readonly known: RouteTable | null,
    private readonly probe: ProbeRoads | null,
    private readonly routing: RoutingProvider,
  ) {
    this.name = routing.name;
  }

  async table(request: TableRequest): Promise<TableResult> {
    const { coordinates } = request;
    const probeKey = this.probe ? placeKey(this.probe.location) : null;
    const at = coordinates.map((place) => {
      const key = placeKey(place);
      return key === probeKey ? -1 : this.known?.index.get(key);
    });
    if (request.sources || request.destinations || at.some((index) => index === undefined)) {
      const table = await this.routing.table(request);
      if (!request.sources && !request.destinations) this.last = { index: indexOf(coordinates), table };
      return table;
    }
    const legs = at.includes(-1) ? await this.probe!.legsOf(coordinates) : null;
    const rows = (known: (number | null)[][] | undefined, from: 'fromProbe' | 'fromProbeMeters', to: 'toProbe' | 'toProbeMeters') =>
      at.map((i, r) => at.map((j, c) => (i === -1 ? legs![c]![from] : j === -1 ? legs![r]![to] : known![i!]![j!]!)));
    const waypoints = (known: Waypoint[] | undefined) => at.map((i, r) => (i === -1 ? legs![r]!.waypoint : known![i!]!));
    const table: TableResult = {
      durations: rows(this.known?.table.durations, 'fromProbe', 'toProbe'),
      distances: rows(this.known?.table.distances, 'fromProbeMeters', 'toProbeMeters'),
      sources: waypoints(this.known?.table.sources),
      destinations: waypoints(this.known?.table.destinations),
    };
    this.last = { index: indexOf(coordinates), table };
    return table;
  }

  route(request: RouteRequest): Promise<RouteResult> {
    return this.routing.route(request);
  }

  nearest(coordinate: LonLat, maxDistanceMeters?: number): Promise<NearestResult> {
    return this.routing.nearest(coordinate, maxDistanceMeters);
  }
}

const indexOf = (coordinates: LonLat[]) => new Map(coordinates.map((place, index) => [placeKey(place), index]));

/** When the vehicle leaves the place before the gap, as planned. */
function departureBefore(live: LiveRoute, gap: number): number {
  if (gap > 0) return live.pending[gap - 1]!.plannedDepartureEpoch;
  return live.anchor?.epochSeconds ?? live.fixed[live.fixed.length - 1]?.plannedDepartureEpoch ?? live.route.departureEpoch;
}

/** The road tables of a screen cover this many routes, the closest by straight line. */
const NEAREST_ROUTES = 12;

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
