/**
 * What a depot's day has promised, as routes: the day's current plan (succeeded or dispatched) or, without one, a
 * forecast of the vehicles' routes, with every order promised that day and every window held at checkout put in
 * by cheapest insertion, each checked exactly by the solver's plan mode (shifts, breaks, capacities, skills,
 * windows, the same road network and costs as planning). A quote prices a new order against it without a solve.
 *
 * Kept per process and brought up to date on every use from what the database holds (orders promised that day
 * with their last change, reservations still held): changed members leave and join again, a new plan or fleet
 * rebuilds the day. The database is read first, the routes are then changed under a per-day lock that does no
 * database work, so a command holding a transaction can use it too.
 */
import type { Repositories } from '../db/repositories';
import type { Depot, Vehicle } from '../domain/model/fleet';
import type { PriceClass } from '../domain/model/slot-calendar';
import type { LonLat } from '../domain/model/geometry';
import type { Order } from '../domain/model/order';
import type { PlanRecord } from '../domain/model/plan';
import type { RouteDraft, RouteRecord } from '../domain/model/route';
import type { SlotReservation } from '../domain/model/slot-reservation';
import type { EpochWindow } from '../domain/model/time-window';
import { localDayRange } from '../domain/time';
import type { RoutingProvider } from '../routing/provider';
import { addsViolations, ProbeRoads, rankInsertions, RouteRoads, type RouteTable } from './insertion';
import { isLivePlan, liveRoute, ordersOf, recomputeLiveRoutes, sequenced, type LiveRoute } from './live-routes';
import { loadPlanContext } from './plan-context';
import { planningVehicle } from './planning-input';
import { emptyRoute, type PlanContext, type SequencedStop } from './route-evaluation';

/** What a new order needs, as a checkout knows it. */
export interface PromiseProbe {
  location: LonLat;
  serviceSeconds: number;
  demand: Order['demand'];
  requiredSkills: string[];
}

/** What taking an order costs the day: the route's growth as the planning pipeline costs it. */
export interface MarginalCost {
  /** The detour: more driving, what the price class is judged on. */
  extraDrivingSeconds: number;
  extraMeters: number;
  /** More waiting for windows to open along the route (negative when the new stop fills a wait). */
  extraWaitingSeconds: number;
  /** Longer working day of the van: driving, waiting, the stop's service (and a break it moves into the day). */
  extraWorkingSeconds: number;
  /** The route's cost after minus before, in the vehicles' cost units. */
  cost: number;
}

/** A van already driving that day passes close enough when the detour is at most this many seconds of driving. */
export const greenDetourSeconds = 300;

export interface Insertion {
  vehicleId: number;
  marginal: MarginalCost;
  priceClass: PriceClass;
}

type Growth = Pick<RouteDraft, 'departureEpoch' | 'arrivalEpoch' | 'drivingSeconds' | 'waitingSeconds' | 'distanceMeters' | 'cost'> & { stops: unknown[] };

/** The one place a route's growth is measured; the cost is the pipeline's, so it follows the solver's objective. */
export function marginalCost(before: Growth, after: RouteDraft): MarginalCost {
  const span = (route: Growth) => (route.stops.length === 0 ? 0 : route.arrivalEpoch - route.departureEpoch);
  return {
    extraDrivingSeconds: Math.round(after.drivingSeconds - before.drivingSeconds),
    extraMeters: Math.round(after.distanceMeters - before.distanceMeters),
    extraWaitingSeconds: Math.round(after.waitingSeconds - (before.stops.length === 0 ? 0 : before.waitingSeconds)),
    extraWorkingSeconds: Math.round(span(after) - span(before)),
    cost: Math.round((after.cost - before.cost) * 100) / 100,
  };
}

export function priceClassOf(routeHadStops: boolean, marginal: MarginalCost): PriceClass {
  if (!routeHadStops) return 'new_van';
  return marginal.extraDrivingSeconds <= greenDetourSeconds ? 'green' : 'standard';
}

interface DayRoute {
  vehicle: Vehicle;
  /** The van's shift that day (working out local times is not free, and a quote screens every van). */
  shift: EpochWindow;
  live: LiveRoute;
  /** The pending remainder's orders, in route order. */
  pending: SequencedStop[];
  /** The road table of the route's places its last exact check read (null until then): the next one asks only about a new place. */
  table: RouteTable | null;
}

interface DayState {
  /** Plan, fleet and depot the routes were built from: another one rebuilds the day. */
  basis: string;
  /** What the database held when the day was last brought up to date (DepotsRepository.promiseDigest). */
  digest: string;
  context: PlanContext;
  routes: DayRoute[];
  /** Member key ("o:12", "r:abc") → version it was put in with; unplaced members are members too. */
  members: Map<string, number>;
  /** Orders the day knows by member key and version, so a member that left and comes back is not read again. */
  known: Map<string, { version: number; order: Order }>;
  /** Members no route could take (promised before this day was forecast, or the fleet changed). */
  unplaced: Set<string>;
  /** Reservations stand in as orders with negative ids. */
  reservationIds: Map<string, number>;
  live: boolean;
}

/** What the database says the day holds, read before the routes are touched. */
interface Snapshot {
  basis: string;
  context: PlanContext;
  vehicles: Vehicle[];
  plan: PlanRecord | null;
  planRoutes: RouteRecord[];
  planOrders: Map<number, Order>;
  orders: Map<number, number>;
  reservations: SlotReservation[];
  fetched: Map<number, Order>;
}

/** Days kept in memory per process. */
const MAX_DAYS = 60;

export class PromiseDays {
  private readonly days = new Map<string, DayState>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly routing: RoutingProvider) {}

  /** Road legs to and from a new place, to share between the windows and dates one quote prices. */
  roadsFor(location: LonLat): ProbeRoads {
    return new ProbeRoads(location, this.routing);
  }

  /** What the database holds for each of `dates` (one round trip), for withDay to compare with what it kept. */
  async digests(repos: Repositories, depot: Depot, dates: string[], nowEpoch: number): Promise<Map<string, string>> {
    const days = dates.map((date) => {
      const [fromEpoch, toEpoch] = localDayRange(date, depot.timeZone);
      return { date, fromEpoch, toEpoch };
    });
    return repos.depots.promiseDigests(depot.id, days, nowEpoch);
  }

  /**
   * Runs `use` on the day brought up to date with `repos` (the pool, or a command's transaction), under the day's
   * lock; `use` must not touch the database. `digest`: the day's, when the caller read it with others (digests()).
   */
  async withDay<T>(repos: Repositories, depot: Depot, date: string, nowEpoch: number, use: (day: PromiseDay) => Promise<T>, digest?: string): Promise<T> {
    const key = `${depot.id}:${date}`;
    digest ??= (await this.digests(repos, depot, [date], nowEpoch)).get(date)!;
    // Unchanged since the day was last brought up to date: nothing more to read.
    const snapshot = this.days.get(key)?.digest === digest ? null : await this.snapshot(repos, depot, date, nowEpoch, this.days.get(key));
    return this.locked(key, async () => {
      let state = this.days.get(key);
      if (snapshot) {
        if (!state || state.basis !== snapshot.basis) state = await this.build(snapshot, nowEpoch);
        await this.apply(state, snapshot, nowEpoch);
        state.digest = digest;
      }
      if (!state) throw new Error(`day ${key} was dropped while in use`);
      this.days.delete(key);
      this.days.set(key, state);
      if (this.days.size > MAX_DAYS) this.days.delete(this.days.keys().next().value!);
      return use(new PromiseDay(state, this.routing, nowEpoch));
    });
  }

  private async locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  private async snapshot(repos: Repositories, depot: Depot, date: string, nowEpoch: number, state: DayState | undefined): Promise<Snapshot> {
    const [from, to] = localDayRange(date, depot.timeZone);
    const vehicles = (await repos.vehicles.list({ depotId: depot.id }, { limit: 500 })).items;
    const [plan] = await repos.plans.list({ depotId: depot.id, date, status: ['succeeded', 'dispatched'] });
    const basis = JSON.stringify([depot.updatedAt, plan ? [plan.id, plan.version, plan.status] : null, vehicles.map((vehicle) => [vehicle.id, vehicle.updatedAt])]);
    const planVehicles = plan ? [...vehicles.filter((vehicle) => !plan.vehicleIds.includes(vehicle.id)), ...(await repos.vehicles.findByIds(plan.vehicleIds))] : vehicles;
    const context = await loadPlanContext(repos, depot.id, date, planVehicles, this.routing);
    const rebuild = !state || state.basis !== basis;
    const planRoutes = plan && rebuild ? await repos.routes.listForPlan(plan.id) : [];
    const planOrders = new Map<number, Order>();
    for (const route of planRoutes) for (const [id, order] of await ordersOf(repos, route.stops)) planOrders.set(id, order);
    const orders = await repos.orders.promisedVersions(depot.id, from, to);
    const reservations = await repos.slotReservations.listHeld(depot.id, from, to, nowEpoch);
    const missing = [...orders].filter(([id, version]) => !planOrders.has(id) && (rebuild || state!.known.get(`o:${id}`)?.version !== version)).map(([id]) => id);
    const fetched = new Map((await repos.orders.findByIds(missing)).map((order) => [order.id, order]));
    for (const [id, order] of planOrders) fetched.set(id, order);
    return { basis, context, vehicles: planVehicles, plan: plan ?? null, planRoutes, planOrders, orders, reservations, fetched };
  }

  private async build(snapshot: Snapshot, nowEpoch: number): Promise<DayState> {
    const { context, plan } = snapshot;
    const live = plan !== null && isLivePlan(plan);
    const byVehicle = new Map(snapshot.planRoutes.map((route) => [route.vehicleId, route]));
    const state: DayState = { basis: snapshot.basis, digest: '', context, routes: [], members: new Map(), known: new Map(), unplaced: new Set(), reservationIds: new Map(), live };
    for (const vehicle of snapshot.vehicles) {
      const stored = byVehicle.get(vehicle.id);
      const record = stored ?? recordOf(emptyRoute(context, { vehicle, stops: [], status: 'planned', driverId: null }), -vehicle.id);
      const route = dayRoute(record, vehicle, live, context, nowEpoch);
      state.routes.push({ vehicle, shift: planningVehicle(vehicle, context.depotsById, context.date).shift, live: route, pending: route.pending.map((stop) => sequenced(stop, snapshot.planOrders.get(stop.orderId)!)), table: null });
      for (const stop of route.pending) {
        const order = snapshot.planOrders.get(stop.orderId)!;
        state.members.set(`o:${order.id}`, order.updatedAt.getTime());
        state.known.set(`o:${order.id}`, { version: order.updatedAt.getTime(), order });
      }
    }
    return state;
  }

  /** Members gone or changed leave their routes; new ones join by cheapest insertion, earliest window first. */
  private async apply(state: DayState, snapshot: Snapshot, nowEpoch: number): Promise<void> {
    const wanted = new Map<string, { version: number; order: () => Order | undefined }>();
    for (const [id, version] of snapshot.orders) {
      const key = `o:${id}`;
      const known = state.known.get(key);
      wanted.set(key, { version, order: () => snapshot.fetched.get(id) ?? (known?.version === version ? known.order : undefined) });
    }
    for (const reservation of snapshot.reservations) {
      const key = `r:${reservation.id}`;
      wanted.set(key, { version: 0, order: () => reservationOrder(reservation, syntheticId(state, reservation.id)) });
    }
    const day = new PromiseDay(state, this.routing, nowEpoch);
    const leaving = [...state.members].filter(([key, version]) => wanted.get(key)?.version !== version).map(([key]) => key);
    await day.remove(leaving);
    const joining = [...wanted]
      .filter(([key]) => !state.members.has(key))
      .map(([key, member]) => ({ key, version: member.version, order: member.order() }))
      .filter((member): member is { key: string; version: number; order: Order } => member.order !== undefined)
      .sort((a, b) => (a.order.timeWindows[0]?.startEpochSeconds ?? 0) - (b.order.timeWindows[0]?.startEpochSeconds ?? 0) || a.key.localeCompare(b.key));
    for (const member of joining) {
      state.members.set(member.key, member.version);
      state.known.set(member.key, { version: member.version, order: member.order });
      const placed = await day.insert(member.order);
      if (!placed) state.unplaced.add(member.key);
    }
  }
}

/** The day's routes as they stand, for pricing and placing orders. */
export class PromiseDay {
  constructor(
    private readonly state: DayState,
    private readonly routing: RoutingProvider,
    private readonly nowEpoch: number,
  ) {}

  get vehicles(): Vehicle[] {
    return this.state.routes.map((route) => route.vehicle);
  }

  /** Stops on the day's routes, and members no route could take. */
  get counts(): { routed: number; unplaced: number } {
    return { routed: this.state.routes.reduce((total, route) => total + route.live.route.stops.length, 0), unplaced: this.state.unplaced.size };
  }

  /**
   * The cheapest verified place for the probe in `window`, without changing the day; null when no route can take it.
   * `roads` is the probe's, shared by the windows of one quote.
   */
  async quote(probe: PromiseProbe, window: EpochWindow, roads: ProbeRoads): Promise<Insertion | null> {
    const found = await this.cheapest(probeOrder(probe, window), roads);
    if (!found) return null;
    const before = this.state.routes[found.index]!.live.route;
    const marginal = marginalCost(before, found.draft);
    return { vehicleId: this.state.routes[found.index]!.vehicle.id, marginal, priceClass: priceClassOf(before.stops.length > 0, marginal) };
  }

  /** Puts the order in its cheapest verified place; false when no route can take it. */
  async insert(order: Order): Promise<boolean> {
    const found = await this.cheapest(order, new ProbeRoads(order.location, this.routing));
    if (!found) return false;
    const route = this.state.routes[found.index]!;
    route.pending.splice(found.gap, 0, { order, locked: false });
    this.replace(found.index, found.draft);
    return true;
  }

  /** Takes these members out of their routes (each changed route evaluated once). */
  async remove(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const ids = new Set<number>();
    for (const key of keys) {
      const member = this.state.known.get(key);
      if (member) ids.add(member.order.id);
      this.state.members.delete(key);
      this.state.unplaced.delete(key);
    }
    const changed = this.state.routes.flatMap((route, index) => (route.pending.some((stop) => ids.has(stop.order.id)) ? [index] : []));
    for (const index of changed) {
      const route = this.state.routes[index]!;
      route.pending = route.pending.filter((stop) => !ids.has(stop.order.id));
    }
    // One route at a time: each one's places are a subset of its table, so no road is asked about.
    for (const index of changed) {
      const route = this.state.routes[index]!;
      const roads = new RouteRoads(route.table, null, this.state.context.routing);
      const [draft] = await recomputeLiveRoutes({ ...this.state.context, routing: roads }, [{ live: route.live, pending: route.pending }], evaluation);
      route.table = roads.last ?? route.table;
      this.replace(index, draft!);
    }
  }

  private replace(index: number, draft: RouteDraft): void {
    const route = this.state.routes[index]!;
    route.live = dayRoute(recordOf(draft, route.live.route.id, route.live.route.planId), route.vehicle, this.state.live, this.state.context, this.nowEpoch);
  }

  private async cheapest(order: Order, roads: ProbeRoads): Promise<{ index: number; gap: number; draft: RouteDraft } | null> {
    const { context } = this.state;
    const open = this.state.routes.filter((route) => Math.max(route.shift.startEpochSeconds, route.live.anchor?.epochSeconds ?? -Infinity, this.nowEpoch) < route.shift.endEpochSeconds);
    const shiftEnds = new Map(this.state.routes.map((route) => [route.live.route.id, route.shift.endEpochSeconds]));
    const shiftEnd = (live: LiveRoute) => shiftEnds.get(live.route.id)!;
    const candidates = await rankInsertions(order, open.map((route) => route.live), shiftEnd, roads);
    for (const candidate of candidates.slice(0, VERIFIED_CANDIDATES)) {
      const index = this.state.routes.findIndex((route) => route.live === candidate.live);
      const route = this.state.routes[index]!;
      const pending = [...route.pending];
      pending.splice(candidate.gap, 0, { order, locked: false });
      const routeRoads = new RouteRoads(route.table, roads, context.routing);
      const [draft] = await recomputeLiveRoutes({ ...context, routing: routeRoads }, [{ live: route.live, pending }], evaluation);
      // A table over the route's places and the probe's is a table of the route's places: kept, taken or not.
      route.table = routeRoads.last ?? route.table;
      if (!addsViolations(route.live.route, draft!, order.id)) return { index, gap: candidate.gap, draft: draft! };
    }
    return null;
  }
}

/** The exact check's evaluation: nothing drawn, and the solver trusts an input built from stored orders and vans. */
const evaluation = { roadGeometry: false, validated: true } as const;

/** Gaps checked exactly, cheapest first, before a window is called full of work. */
const VERIFIED_CANDIDATES = 3;

/**
 * A route of the day as insertion screens it. Not yet under way, its van may leave from the start at its shift start
 * (a plan leaves as late as its first window allows): an order before the first stop is screened from there.
 */
function dayRoute(record: RouteRecord, vehicle: Vehicle, live: boolean, context: PlanContext, nowEpoch: number): LiveRoute {
  const shift = planningVehicle(vehicle, context.depotsById, context.date).shift;
  const route = liveRoute(record, vehicle, live, undefined, nowEpoch, shift.startEpochSeconds);
  return route.anchor ? route : { ...route, anchor: { location: record.startLocation, epochSeconds: Math.max(shift.startEpochSeconds, nowEpoch) } };
}

function recordOf(draft: RouteDraft, id: number, planId = 0): RouteRecord {
  return { ...draft, id, planId, stops: draft.stops.map((stop, index) => ({ ...stop, id: index + 1 })) };
}

function syntheticId(state: DayState, reservationId: string): number {
  let id = state.reservationIds.get(reservationId);
  if (id === undefined) {
    id = -(state.reservationIds.size + 1);
    state.reservationIds.set(reservationId, id);
  }
  return id;
}

const epoch = new Date(0);

/** A probe or a held window as the planner sees an order: only what planning reads is filled in. */
function probeOrder(probe: PromiseProbe, window: EpochWindow, id = 0): Order {
  return {
    id,
    displayId: '',
    trackingCode: '',
    source: 'quote',
    externalRef: String(id),
    customerName: '',
    customerPhone: null,
    customerEmail: null,
    addressText: '',
    location: probe.location,
    geocodeConfidence: 'given',
    geocodeAlternatives: [],
    timeWindows: [window],
    serviceSeconds: probe.serviceSeconds,
    demand: probe.demand,
    priority: 0,
    requiredSkills: probe.requiredSkills,
    notes: null,
    kind: 'delivery',
    pickup: null,
    returnOfOrderId: null,
    status: 'ready',
    depotId: null,
    assignedVehicleId: null,
    createdAt: epoch,
    updatedAt: epoch,
  };
}

/** An order as a probe: what it needs of a route. A pickup is priced by what it brings back. */
export function probeOfOrder(order: Order): PromiseProbe {
  const carried = order.pickup ? { weightKg: Math.max(order.demand.weightKg, order.pickup.weightKg), volumeL: Math.max(order.demand.volumeL, order.pickup.volumeL), items: Math.max(order.demand.items, order.pickup.items) } : order.demand;
  return { location: order.location, serviceSeconds: order.serviceSeconds, demand: carried, requiredSkills: order.requiredSkills };
}

function reservationOrder(reservation: SlotReservation, id: number): Order {
  return probeOrder(reservation, reservation.window, id);
}
