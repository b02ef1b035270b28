/**
 * A plan opened for changes inside a transaction: its routes as live routes (fixed part + pending remainder),
 * their vehicles, and the context to evaluate them. Edits, removals and re-optimization change pending
 * sequences here, then `evaluate` recomputes only the routes they touched, and `save` writes them.
 */
import type { Repositories } from '../db/repositories';
import type { RoutingProvider } from '../routing/provider';
import { isLivePlan, liveRoute, ordersOf, recomputeLiveRoute, sequenced, type LiveRoute, type VehiclePositions } from './live-routes';
import { loadPlanContext, loadVehicles } from './plan-context';
import { adjustTotals } from './plan-totals';
import type { PlanContext, SequencedStop } from './route-evaluation';
import type { Vehicle } from '../domain/model/fleet';
import type { PlanRecord, PlanTotals } from '../domain/model/plan';
import type { RouteDraft, RouteRecord } from '../domain/model/route';

export interface Workspace {
  plan: PlanRecord;
  context: PlanContext;
  routes: LiveRoute[];
  /** Pending sequences being edited, by route id; routes not in here are untouched. */
  edited: Map<number, SequencedStop[]>;
}

export async function openWorkspace(repos: Repositories, plan: PlanRecord, routing: RoutingProvider, positions: VehiclePositions, nowEpoch: number): Promise<Workspace> {
  const records = await repos.routes.listForPlan(plan.id);
  const vehicles = new Map<number, Vehicle>((await loadVehicles(repos, records.map((route) => route.vehicleId))).map((vehicle) => [vehicle.id, vehicle]));
  const context = await loadPlanContext(repos, plan.depotId, plan.date, [...vehicles.values()], routing);
  const live = isLivePlan(plan);
  const latest = live ? await positions.latest(repos, [...vehicles.keys()]) : new Map();
  const routes = records.map((route) => liveRoute(route, vehicles.get(route.vehicleId)!, live, latest.get(route.vehicleId), nowEpoch));
  return { plan, context, routes, edited: new Map() };
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

export interface EvaluatedRoute {
  live: LiveRoute;
  draft: RouteDraft;
}

export async function evaluateEdited(workspace: Workspace): Promise<EvaluatedRoute[]> {
  const touched = workspace.routes.filter((route) => workspace.edited.has(route.route.id));
  return Promise.all(touched.map(async (live) => ({ live, draft: await recomputeLiveRoute(workspace.context, live, workspace.edited.get(live.route.id)!) })));
}

export interface SavedRoutes {
  version: number;
  totals: PlanTotals;
  /** Of the plan's stops after the write: the routes cache checks against it. */
  stopsDigest: string;
  routes: RouteRecord[];
}

/**
 * The one way changed routes are stored (edits, re-optimization, live insertion): each replaces its stored route
 * (ids kept), the plan's totals move by the difference and its version goes up.
 */
export async function saveRoutes(repos: Repositories, plan: PlanRecord, changed: { route: RouteRecord; draft: RouteDraft }[], unassignedChange = 0): Promise<SavedRoutes> {
  const routes = await repos.routes.replaceRoutes(plan.id, changed.map(({ route, draft }) => ({ routeId: route.id, draft })));
  const totals = adjustTotals(plan.totals, changed.map(({ route }) => route), changed.map(({ draft }) => draft), unassignedChange);
  const { version, stopsDigest } = await repos.plans.bumpVersionWithStopsDigest(plan.id, totals);
  return { version, totals, stopsDigest, routes };
}

export function saveEvaluated(repos: Repositories, workspace: Workspace, evaluated: EvaluatedRoute[], unassignedChange = 0): Promise<SavedRoutes> {
  return saveRoutes(repos, workspace.plan, evaluated.map(({ live, draft }) => ({ route: live.route, draft })), unassignedChange);
}

/** A route as it would be stored, for a preview: the stops of orders already in the plan keep their ids. */
export type PreviewedRoute = RouteDraft & { id: number; stops: (RouteDraft['stops'][number] & { id?: number })[] };

export function previewEvaluated(workspace: Workspace, evaluated: EvaluatedRoute[]): PreviewedRoute[] {
  const stopIds = new Map(workspace.routes.flatMap(({ route }) => route.stops.map((stop) => [stop.orderId, stop.id] as const)));
  return evaluated.map(({ live, draft }) => ({ ...draft, id: live.route.id, stops: draft.stops.map((stop) => ({ ...stop, id: stopIds.get(stop.orderId) })) }));
}
