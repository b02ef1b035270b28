/**
 * Routes of a plan as they stand during the day: the stops already done or in progress stay as they are, the
 * pending remainder is recomputed from where the vehicle is (its last known position, else its last finished
 * stop, else the route start), never before now.
 */
import type { Repositories } from '../db/repositories';
import type { LiveStart } from './planning-input';
import { evaluateRoutes, type EvaluationOptions, type PlanContext, type SequencedStop } from './route-evaluation';
import type { Vehicle } from '../domain/model/fleet';
import type { Order } from '../domain/model/order';
import type { PlanRecord } from '../domain/model/plan';
import type { PlannedReload, RouteDraft, RouteRecord, StopRecord } from '../domain/model/route';

/**
 * The latest known position per vehicle; live tracking provides it, and without it routes start where planned.
 * Read through the caller's repositories, so it joins the command's transaction.
 */
export interface VehiclePositions {
  latest(repos: Repositories, vehicleIds: number[]): Promise<Map<number, LiveStart>>;
}

export const noPositions: VehiclePositions = { latest: async () => new Map() };

export interface LiveRoute {
  route: RouteRecord;
  vehicle: Vehicle;
  /** Done or in progress: never moved. */
  fixed: StopRecord[];
  pending: StopRecord[];
  /** Multi-trip: reloads behind the van, and the one it goes to after its last stop done: never moved. */
  fixedReloads: PlannedReload[];
  /** Where the pending remainder starts; absent before dispatch (the route starts as planned). */
  anchor?: LiveStart;
}

export const isLivePlan = (plan: PlanRecord) => plan.status === 'dispatched';

/**
 * `shiftStartEpoch`: a van not yet gone may leave as early as its shift starts, even when the plan has it leave
 * later (plans leave as late as their first window allows rather than wait).
 */
export function liveRoute(route: RouteRecord, vehicle: Vehicle, live: boolean, position: LiveStart | undefined, nowEpoch: number, shiftStartEpoch = route.departureEpoch): LiveRoute {
  let split = 0;
  route.stops.forEach((stop, index) => {
    if (stop.status !== 'pending') split = index + 1;
  });
  const fixed = route.stops.slice(0, split);
  const pending = route.stops.slice(split);
  // A reload right after the last stop done is where the van goes next: the next trip's parcels wait at the depot.
  const fixedReloads = route.reloads.filter((reload) => reload.afterSequence <= split);
  if (!live) return { route, vehicle, fixed, pending, fixedReloads };
  const last = fixed[fixed.length - 1];
  const reload = fixedReloads.at(-1);
  const atReload = reload !== undefined && reload.afterSequence === split;
  const planned: LiveStart = atReload
    ? { location: reload.location, epochSeconds: reload.reloadedEpochSeconds ?? (reload.arrivedEpochSeconds ?? reload.arrivalEpochSeconds) + reload.durationSeconds }
    : last
      ? { location: last.location, epochSeconds: last.completedAtEpoch ?? last.plannedDepartureEpoch }
      : { location: route.startLocation, epochSeconds: Math.min(route.departureEpoch, shiftStartEpoch) };
  // Where the van is now says nothing of where it goes on from when it must first reload.
  const from = atReload ? planned : (position ?? planned);
  const anchor = { location: from.location, epochSeconds: Math.max(nowEpoch, planned.epochSeconds, from.epochSeconds), reloadsMade: fixedReloads.length };
  return { route, vehicle, fixed, pending, fixedReloads, anchor };
}

export const sequenced = (stop: StopRecord, order: Order): SequencedStop => ({
  order,
  locked: stop.locked,
  live: {
    status: stop.status,
    dispatchedEtaEpoch: stop.dispatchedEtaEpoch,
    liveEtaEpoch: stop.liveEtaEpoch,
    actualArrivalEpoch: stop.actualArrivalEpoch,
    completedAtEpoch: stop.completedAtEpoch,
  },
});

/**
 * The orders of a route's stops. With `scope`, one query for the vehicle's orders of the day (the usual case);
 * the stops it misses are read by id, in one query.
 */
export async function ordersOf(repos: Repositories, stops: StopRecord[], scope?: { vehicleId: number; day: [number, number] }): Promise<Map<number, Order>> {
  const found = new Map<number, Order>();
  if (scope && stops.length > 0) {
    const page = await repos.orders.list({ assignedVehicleId: scope.vehicleId, windowFromEpoch: scope.day[0], windowToEpoch: scope.day[1] }, { limit: 500 });
    for (const order of page.items) found.set(order.id, order);
  }
  const missing = stops.filter((stop) => !found.has(stop.orderId)).map((stop) => stop.orderId);
  for (const order of await repos.orders.findByIds(missing)) found.set(order.id, order);
  return found;
}

/** The route with `pending` as its new remainder, evaluated in plan mode; the fixed stops come first, unchanged. */
export async function recomputeLiveRoute(context: PlanContext, live: LiveRoute, pending: SequencedStop[]): Promise<RouteDraft> {
  const [draft] = await recomputeLiveRoutes(context, [{ live, pending }]);
  return draft!;
}

/** Several routes at once: one matrix over their places and one plan-mode run, however many routes. */
export async function recomputeLiveRoutes(context: PlanContext, changes: { live: LiveRoute; pending: SequencedStop[] }[], options: EvaluationOptions = {}): Promise<RouteDraft[]> {
  const { routes } = await evaluateRoutes(
    context,
    changes.map(({ live, pending }) => ({ vehicle: live.vehicle, stops: pending, status: live.route.status, driverId: live.route.driverId, liveStart: live.anchor })),
    [],
    options,
  );
  return changes.map(({ live }, index) => afterFixed(live, routes[index]!));
}

function afterFixed(live: LiveRoute, draft: RouteDraft): RouteDraft {
  if (live.fixed.length === 0) return draft;
  const last = live.fixed[live.fixed.length - 1]!;
  const rest = draft.stops.map((stop, index) => ({
    ...stop,
    sequence: live.fixed.length + index + 1,
    distanceFromStartMeters: last.distanceFromStartMeters + stop.distanceFromStartMeters,
    drivingFromStartSeconds: last.drivingFromStartSeconds + stop.drivingFromStartSeconds,
  }));
  return {
    ...draft,
    startLocation: live.route.startLocation,
    departureEpoch: live.route.departureEpoch,
    distanceMeters: last.distanceFromStartMeters + draft.distanceMeters,
    drivingSeconds: last.drivingFromStartSeconds + draft.drivingSeconds,
    // The remainder's reloads count its stops from the first pending one.
    reloads: [...live.fixedReloads, ...draft.reloads.map((reload) => ({ ...reload, afterSequence: live.fixed.length + reload.afterSequence }))],
    stops: [...live.fixed.map(({ id: _id, ...stop }) => stop), ...rest],
  };
}
