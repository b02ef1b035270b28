/**
 * One plan run, computed without writing anything: stored inputs → VROOM problem on the road network → the
 * solver pool under the plan's time limit → routes as they will be stored and the unassigned orders with why.
 */
import type { Clock } from '../domain/clock';
import type { Repositories } from '../db/repositories';
import type { RoutingProvider } from '../routing/provider';
import type { SolverRunner } from '../solving/runner';
import { defaultSeeds } from '../solving/runner';
import { shiftOver, shiftsEnded } from '../solving/shifts';
import { solvePlanning } from '../solving/solve-planning';
import { loadOrders, loadPlanContext, loadVehicles } from './plan-context';
import { planningInput } from './planning-input';
import { routeDraft } from './route-evaluation';
import type { PlanRecord, PlanProgress, PlanTotals, UnassignedRecord } from '../domain/model/plan';
import type { RouteDraft } from '../domain/model/route';

export interface ComputedPlan {
  routes: RouteDraft[];
  unassigned: UnassignedRecord[];
  totals: PlanTotals;
}

export interface ComputeDeps {
  /** Read outside any transaction: a run takes seconds. */
  repos: Repositories;
  solver: SolverRunner;
  routing: RoutingProvider;
  /** No route leaves before its now. */
  clock: Clock;
}

/** Null when cancelled through `signal`. */
export async function computePlan(deps: ComputeDeps, plan: PlanRecord, signal: AbortSignal, onProgress: (progress: PlanProgress) => void): Promise<ComputedPlan | null> {
  const { repos } = deps;
  const vehicles = await loadVehicles(repos, plan.vehicleIds);
  const orders = await loadOrders(repos, plan.orderIds);
  const context = await loadPlanContext(repos, plan.depotId, plan.date, vehicles, deps.routing);
  // A plan of today made mid-morning starts its routes now, not at a shift start already past (next whole minute).
  const notBeforeEpoch = Math.ceil(deps.clock.nowMs() / 60_000) * 60;
  const all = planningInput(context.depot, plan.date, vehicles, [...orders.values()], context.depotsById, new Map(), notBeforeEpoch);
  // Vans whose shift is over take no stop; the day is planned on the others, and on none it is a 409.
  const input = { ...all, vehicles: all.vehicles.filter((vehicle) => !shiftOver(vehicle)), objective: plan.options.minimize ?? 'cost' };
  if (input.vehicles.length === 0) throw shiftsEnded(all, all.vehicles);
  const started = performance.now();
  const outcome = await solvePlanning(input, deps, {
    timeLimitMs: plan.timeLimitSeconds * 1000,
    seeds: defaultSeeds(plan.options.seeds ?? deps.solver.threads),
    signal,
    onProgress: (progress) => onProgress({ bestCost: progress.bestCost, unassigned: progress.unassigned, elapsedMs: Math.round(performance.now() - started) }),
  });
  if (outcome.status === 'cancelled') return null;
  const { plan: solved, problem, solution } = outcome;
  const vehiclesById = new Map(vehicles.map((vehicle) => [String(vehicle.id), vehicle]));
  const routes = solved.routes.map((planned) =>
    routeDraft(
      {
        vehicle: vehiclesById.get(planned.vehicleId)!,
        stops: planned.stops.map((stop) => ({ order: orders.get(Number(stop.orderId))!, locked: false })),
        status: 'planned',
        driverId: null,
      },
      planned,
      problem,
      solution,
    ),
  );
  return {
    routes,
    unassigned: solved.unassigned.map((entry) => ({ orderId: Number(entry.orderId), reason: entry.reason, ...(entry.distanceToRoadMeters !== undefined ? { distanceToRoadMeters: entry.distanceToRoadMeters } : {}) })),
    totals: solved.totals,
  };
}
