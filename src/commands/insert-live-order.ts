/**
 * Live insertion: a new order goes into the plan's routes without touching stops done or in progress, each route
 * continuing from its vehicle's last known position. The cheapest feasible gaps (fast screening over the stored
 * schedule) are checked by the solver's plan mode on that one route; the first without violations is written.
 * If the order fits nowhere, nothing is written and the answer carries the solver's reason.
 */
import { moveOrders, publishStatusChanges } from './move-orders';
import type { Principal } from '../auth/principal';
import { inSequence } from '../db/executor';
import { nowEpochSeconds } from '../domain/clock';
import { canTransition } from '../domain/order-lifecycle';
import { localDayRange } from '../domain/time';
import { conflict, notFound } from '../errors';
import { addsViolations, ProbeRoads, rankInsertions } from '../planning/insertion';
import { saveRoutes } from '../planning/plan-workspace';
import { isLivePlan, liveRoute, ordersOf, recomputeLiveRoute, sequenced, type LiveRoute, type VehiclePositions } from '../planning/live-routes';
import { loadPlanContext } from '../planning/plan-context';
import { PlanRoutesCache } from '../planning/routes-cache';
import { planningVehicle } from '../planning/planning-input';
import { evaluateRoutes } from '../planning/route-evaluation';
import { shiftOver, shiftsEnded } from '../solving/shifts';
import type { RoutingProvider } from '../routing/provider';
import { inTransaction, type CommandContext } from './context';
import type { Vehicle } from '../domain/model/fleet';
import type { Order, OrderStatus } from '../domain/model/order';
import type { PlanRecord } from '../domain/model/plan';
import type { RouteDraft } from '../domain/model/route';

export interface InsertionDeps {
  context: CommandContext;
  routing: RoutingProvider;
  positions: VehiclePositions;
  /** Keeps the plan's routes between insertions (checked against the stored stops on every use). */
  routesCache?: PlanRoutesCache;
}

export type InsertionOutcome =
  | { inserted: true; plan: PlanRecord; timeZone: string; orderId: number; vehicleId: number; position: number; route: RouteDraft & { id: number } }
  | { inserted: false; plan: PlanRecord; timeZone: string; orderId: number; reason: string };

/** Gaps checked exactly, cheapest first, before giving up. */
const VERIFIED_CANDIDATES = 3;
/** Routes the solver looks at to say why an order fits nowhere. */
const ROUTES_FOR_REASON = 3;

export const editablePlanStatuses = ['succeeded', 'dispatched'] as const;

export async function assertEditablePlan(plan: PlanRecord | null, planId: number): Promise<PlanRecord> {
  if (!plan) throw notFound('Plan', planId);
  if (!(editablePlanStatuses as readonly string[]).includes(plan.status)) {
    throw conflict(`Plan ${planId} is ${plan.status}; only succeeded or dispatched plans can be changed`, [{ path: 'status', message: `plan is ${plan.status}` }]);
  }
  return plan;
}

export async function insertLiveOrder(deps: InsertionDeps, planId: number, orderId: number, by: Principal): Promise<InsertionOutcome> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  const routesCache = deps.routesCache ?? new PlanRoutesCache();
  const result = await inTransaction(deps.context, async (repos) => {
    const locked = await repos.plans.findByIdForUpdateWithStopsDigest(planId);
    const plan = await assertEditablePlan(locked?.plan ?? null, planId);
    const order = await repos.orders.findByIdForUpdate(orderId);
    if (!order) throw notFound('Order', orderId);
    if (!canTransition(order.status, 'planned')) {
      throw conflict(`Order ${orderId} is ${order.status}; only ready or rescheduled orders can be inserted`, [{ path: 'orderId', message: `order ${orderId} is ${order.status}`, orderId, status: order.status }]);
    }
    const live = isLivePlan(plan);
    const routes = await routesCache.routes(repos, planId, locked!.stopsDigest);
    const vehicles = new Map<number, Vehicle>();
    for (const vehicle of (await repos.vehicles.list({ depotId: plan.depotId }, { limit: 500 })).items) vehicles.set(vehicle.id, vehicle);
    for (const id of plan.vehicleIds) if (!vehicles.has(id)) vehicles.set(id, (await repos.vehicles.findById(id))!);
    const planVehicles = plan.vehicleIds.map((id) => vehicles.get(id)!).filter(Boolean);
    const context = await loadPlanContext(repos, plan.depotId, plan.date, planVehicles, deps.routing);
    const positions = live ? await deps.positions.latest(repos, plan.vehicleIds) : new Map();
    const byVehicle = new Map(routes.map((route) => [route.vehicleId, route]));
    const liveRoutes = planVehicles.flatMap((vehicle) => {
      const route = byVehicle.get(vehicle.id);
      return route ? [liveRoute(route, vehicle, live, positions.get(vehicle.id), nowEpoch, planningVehicle(vehicle, context.depotsById, plan.date).shift.startEpochSeconds)] : [];
    });
    const shiftEndEpoch = (route: LiveRoute) => planningVehicle(route.vehicle, context.depotsById, plan.date).shift.endEpochSeconds;
    const open = openRoutes(context, liveRoutes, nowEpoch);
    const candidates = await rankInsertions(order, open, shiftEndEpoch, new ProbeRoads(order.location, deps.routing));
    const day = localDayRange(plan.date, context.depot.timeZone);
    for (const candidate of candidates.slice(0, VERIFIED_CANDIDATES)) {
      const draft = await tryGap(repos, context, candidate.live, candidate.gap, order, live, day);
      if (!draft) continue;
      const moved = await planOrder(repos, order, candidate.live.vehicle.id, live, planId, by);
      const wasUnassigned = await repos.plans.removeUnassigned(planId, orderId);
      const { version, totals, stopsDigest, routes: [stored] } = await saveRoutes(repos, plan, [{ route: candidate.live.route, draft }], wasUnassigned ? -1 : 0);
      routesCache.rewritten(planId, stored!, stopsDigest);
      const position = candidate.live.fixed.length + candidate.gap + 1;
      return { inserted: true as const, plan: { ...plan, version, totals }, timeZone: context.depot.timeZone, moved, vehicleId: candidate.live.vehicle.id, position, route: stored! };
    }
    const nearest = (candidates.length > 0 ? candidates.map((candidate) => candidate.live) : open).slice(0, ROUTES_FOR_REASON);
    const reason = await whyNot(repos, context, nearest, order);
    return { inserted: false as const, plan, timeZone: context.depot.timeZone, reason };
  });
  if (!result.inserted) return { inserted: false, plan: result.plan, timeZone: result.timeZone, orderId, reason: result.reason };
  publishStatusChanges(deps.context.events, result.moved);
  deps.context.events.publish('plan.changed', { planId, depotId: result.plan.depotId, version: result.plan.version, routeIds: [result.route.id], actor: by.actor });
  return { inserted: true, plan: result.plan, timeZone: result.timeZone, orderId, vehicleId: result.vehicleId, position: result.position, route: result.route };
}

type Repos = Parameters<Parameters<typeof inTransaction>[1]>[0];

/**
 * The routes whose vehicle still has shift time from now (or from where it continues): an order goes nowhere
 * else. When no shift is left at all, the answer is a 409 saying when they ended.
 */
function openRoutes(context: Awaited<ReturnType<typeof loadPlanContext>>, routes: LiveRoute[], nowEpoch: number): LiveRoute[] {
  const shifts = routes.map((live) => planningVehicle(live.vehicle, context.depotsById, context.date, live.anchor, nowEpoch));
  const open = routes.filter((_, index) => !shiftOver(shifts[index]!));
  if (routes.length > 0 && open.length === 0) {
    throw shiftsEnded({ depot: { id: String(context.depot.id), location: context.depot.location, timeZone: context.depot.timeZone }, vehicles: shifts }, shifts);
  }
  return open;
}

/** The route with the order in the gap, evaluated exactly; null when that makes anything late or overfull. */
async function tryGap(repos: Repos, context: Awaited<ReturnType<typeof loadPlanContext>>, live: LiveRoute, gap: number, order: Order, frozen: boolean, day: [number, number]): Promise<RouteDraft | null> {
  const orders = await ordersOf(repos, live.pending, { vehicleId: live.vehicle.id, day });
  const stops = live.pending.map((stop) => sequenced(stop, orders.get(stop.orderId)!));
  const pending = [...stops];
  pending.splice(gap, 0, { order, locked: false });
  const draft = await recomputeLiveRoute(context, live, pending);
  // A van behind its plan is late from now on without the order too: that lateness is measured against the route as
  // it goes from here, not against the stored plan, else every insertion into a late van is refused.
  if (addsViolations(live.route, draft, order.id) && addsViolations(await recomputeLiveRoute(context, live, stops), draft, order.id)) return null;
  if (frozen) {
    // A dispatched plan tells the new order's customer its ETA now.
    const stop = draft.stops.find((s) => s.orderId === order.id)!;
    stop.dispatchedEtaEpoch = stop.plannedArrivalEpoch;
  }
  return draft;
}

async function whyNot(repos: Repos, context: Awaited<ReturnType<typeof loadPlanContext>>, routes: LiveRoute[], order: Order): Promise<string> {
  if (routes.length === 0) return 'no_routes';
  const sequences = await inSequence(routes, async (live) => {
    const orders = await ordersOf(repos, live.pending);
    return { vehicle: live.vehicle, stops: live.pending.map((stop) => sequenced(stop, orders.get(stop.orderId)!)), status: live.route.status, driverId: live.route.driverId, liveStart: live.anchor };
  });
  const { unassigned } = await evaluateRoutes(context, sequences, [order]);
  return unassigned[0]?.reason ?? 'time_window';
}

/** ready → planned (→ dispatched on a live plan), assigned to the vehicle, with an event per step. */
function planOrder(repos: Repos, order: Order, vehicleId: number, live: boolean, planId: number, by: Principal) {
  const path: OrderStatus[] = live ? ['planned', 'dispatched'] : ['planned'];
  return moveOrders(repos, [{ order, path, vehicleId, reason: `inserted into plan ${planId}`, data: { planId, vehicleId } }], by.actor);
}
