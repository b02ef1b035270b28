/**
 * A plan opened for changes inside a transaction: its routes as live routes (fixed part + pending remainder),
 * their vehicles, and the context to evaluate them. Edits, removals and re-optimization change pending
 * sequences here, then `evaluate` recomputes only the routes they touched, and `save` writes them.
 */
import type { Repositories } from '../db/repositories';
import type { RoutingProvider } from '../routing/provider';
import { isLivePlan, liveRoute, ordersOf, recomputeLiveRoutes, sequenced, type LiveRoute, type VehiclePositions } from './live-routes';
import { loadPlanContext, loadVehicles } from './plan-context';
import { planningVehicle } from './planning-input';
import { adjustTotals } from './plan-totals';
import type { PlanContext, SequencedStop } from './route-evaluation';
import { invalidInput } from '../errors';
import { vehicleDepotIds, type Vehicle } from '../domain/model/fleet';
import type { PlanRecord, PlanTotals } from '../domain/model/plan';
import { emptyRouteDraft, type RouteDraft, type RouteRecord } from '../domain/model/route';

export interface Workspace {
  plan: PlanRecord;
  context: PlanContext;
  routes: LiveRoute[];
  /** Pending sequences being edited, by route id; routes not in here are untouched. */
  edited: Map<number, SequencedStop[]>;
  /** Where vehicles are now (live plans); a route added for a vehicle starts there. */
  positions: VehiclePositions;
  nowEpoch: number;
}

export async function openWorkspace(repos: Repositories, plan: PlanRecord, routing: RoutingProvider, positions: VehiclePositions, nowEpoch: number): Promise<Workspace> {
  const records = await repos.routes.listForPlan(plan.id);
  const vehicles = new Map<number, Vehicle>((await loadVehicles(repos, records.map((route) => route.vehicleId))).map((vehicle) => [vehicle.id, vehicle]));
  const context = await loadPlanContext(repos, plan.depotId, plan.date, [...vehicles.values()], routing);
  const live = isLivePlan(plan);
  const latest = live ? await positions.latest(repos, [...vehicles.keys()]) : new Map();
  const shiftStart = (vehicle: Vehicle) => planningVehicle(vehicle, context.depotsById, plan.date).shift.startEpochSeconds;
  const routes = records.map((route) => {
    const vehicle = vehicles.get(route.vehicleId)!;
    return liveRoute(route, vehicle, live, latest.get(route.vehicleId), nowEpoch, shiftStart(vehicle));
  });
  return { plan, context, routes, edited: new Map(), positions, nowEpoch };
}

/** A route not stored yet has the negated id of its vehicle; saving stores it. */
export const isNewRoute = (route: RouteRecord) => route.id < 0;

/**
 * The vehicle's route in the workspace; a vehicle of the plan's depot (or named by the plan) without one gets an
 * empty route, from its position now (live plans) or its start depot at shift start. Unknown vehicles are 400.
 */
export async function routeFor(repos: Repositories, workspace: Workspace, vehicleId: number, path = 'vehicleId'): Promise<LiveRoute> {
  const found = workspace.routes.find((candidate) => candidate.vehicle.id === vehicleId);
  if (found) return found;
  const vehicle = await repos.vehicles.findById(vehicleId);
  if (!vehicle) throw invalidInput('Unknown vehicle', [{ path, message: `vehicle ${vehicleId} does not exist` }]);
  const { plan } = workspace;
  if (vehicle.startDepotId !== plan.depotId && !plan.vehicleIds.includes(vehicle.id)) {
    throw invalidInput('The vehicle is not of this plan\'s depot', [{ path, message: `vehicle ${vehicleId} starts at depot ${vehicle.startDepotId}, the plan is of depot ${plan.depotId}` }]);
  }
  return addEmptyRoute(repos, workspace, vehicle);
}

async function addEmptyRoute(repos: Repositories, workspace: Workspace, vehicle: Vehicle): Promise<LiveRoute> {
  const { plan, context } = workspace;
  for (const depotId of vehicleDepotIds(vehicle)) {
    if (!context.depotsById.has(depotId)) for (const depot of await repos.depots.findByIds([depotId])) context.depotsById.set(depot.id, depot);
  }
  const live = isLivePlan(plan);
  const start = planningVehicle(vehicle, context.depotsById, plan.date);
  const driver = live ? await repos.drivers.findByVehicleId(vehicle.id) : null;
  const route: RouteRecord = {
    id: -vehicle.id,
    planId: plan.id,
    ...emptyRouteDraft(
      { vehicleId: vehicle.id, driverId: driver?.id ?? null, status: live ? 'dispatched' : 'planned' },
      { location: start.startLocation, endLocation: start.endLocation, atEpoch: start.shift.startEpochSeconds },
    ),
    stops: [],
  };
  const position = live ? (await workspace.positions.latest(repos, [vehicle.id])).get(vehicle.id) : undefined;
  const added = liveRoute(route, vehicle, live, position, workspace.nowEpoch, start.shift.startEpochSeconds);
  workspace.routes.push(added);
  workspace.edited.set(route.id, []);
  return added;
}

/** The pending sequence of a route, opened for editing (loaded once). */
export async function pendingOf(repos: Repositories, workspace: Workspace, route: LiveRoute): Promise<SequencedStop[]> {
  let stops = workspace.edited.get(route.route.id);
  if (!stops) {
    const orders = await ordersOf(repos, route.pending);
    stops = route.pending.map((stop) => sequenced(stop, orders.get(stop.orderId)!));
    workspace.edited.set(route.route.id, stops);
  }
  return stops;
}

/** The pending sequences of many routes, their orders read in one query. */
export async function pendingOfAll(repos: Repositories, workspace: Workspace, routes: LiveRoute[]): Promise<SequencedStop[][]> {
  const unread = routes.filter((route) => !workspace.edited.has(route.route.id));
  const orders = await ordersOf(repos, unread.flatMap((route) => route.pending));
  for (const route of unread) workspace.edited.set(route.route.id, route.pending.map((stop) => sequenced(stop, orders.get(stop.orderId)!)));
  return routes.map((route) => workspace.edited.get(route.route.id)!);
}

export interface EvaluatedRoute {
  live: LiveRoute;
  draft: RouteDraft;
}

export async function evaluateEdited(workspace: Workspace): Promise<EvaluatedRoute[]> {
  const touched = workspace.routes.filter((route) => workspace.edited.has(route.route.id));
  if (touched.length === 0) return [];
  const drafts = await recomputeLiveRoutes(workspace.context, touched.map((live) => ({ live, pending: workspace.edited.get(live.route.id)! })));
  return touched.map((live, index) => ({ live, draft: drafts[index]! }));
}

export interface SavedRoutes {
  version: number;
  totals: PlanTotals;
  /** Of the plan's stops after the write: the routes cache checks against it. */
  stopsDigest: string;
  routes: RouteRecord[];
}

/**
 * The one way changed routes are stored (edits, re-optimization, live insertion, re-planning): each replaces its
 * stored route (ids kept), the plan's totals move by the difference and its version goes up. A route new to the
 * plan is stored empty first (its vehicle joins the plan), then filled like the others, so a stop moving onto it
 * keeps its id. A new route that stays empty is not stored.
 */
export async function saveRoutes(repos: Repositories, plan: PlanRecord, changed: { route: RouteRecord; draft: RouteDraft }[], unassignedChange = 0): Promise<SavedRoutes> {
  changed = changed.filter(({ route, draft }) => !isNewRoute(route) || draft.stops.length > 0);
  const added = changed.filter(({ route }) => isNewRoute(route));
  const addedIds = added.length === 0 ? [] : await repos.routes.insertMany(plan.id, added.map(({ draft }) => ({ ...draft, stops: [] })));
  if (added.length > 0) await repos.plans.addVehicles(plan.id, added.map(({ route }) => route.vehicleId));
  const storedId = new Map(added.map(({ route }, index) => [route.id, addedIds[index]!]));
  const routes = await repos.routes.replaceRoutes(plan.id, changed.map(({ route, draft }) => ({ routeId: storedId.get(route.id) ?? route.id, draft })));
  const totals = adjustTotals(plan.totals, changed.map(({ route }) => route), changed.map(({ draft }) => draft), unassignedChange);
  const { version, stopsDigest } = await repos.plans.bumpVersionWithStopsDigest(plan.id, totals);
  return { version, totals, stopsDigest, routes };
}

export function saveEvaluated(repos: Repositories, workspace: Workspace, evaluated: EvaluatedRoute[], unassignedChange = 0): Promise<SavedRoutes> {
  return saveRoutes(repos, workspace.plan, evaluated.map(({ live, draft }) => ({ route: live.route, draft })), unassignedChange);
}

/** A route as it would be stored, for a preview: the stops of orders already in the plan keep their ids. */
export type PreviewedRoute = RouteDraft & { id: number | null; stops: (RouteDraft['stops'][number] & { id?: number })[] };

/** A route new to the plan has no id yet. */
export function previewEvaluated(workspace: Workspace, evaluated: EvaluatedRoute[]): PreviewedRoute[] {
  const stopIds = new Map(workspace.routes.flatMap(({ route }) => route.stops.map((stop) => [stop.orderId, stop.id] as const)));
  return evaluated.map(({ live, draft }) => ({ ...draft, id: isNewRoute(live.route) ? null : live.route.id, stops: draft.stops.map((stop) => ({ ...stop, id: stopIds.get(stop.orderId) })) }));
}
