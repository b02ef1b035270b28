/**
 * "Plan again" on a day under way, as a proposal: the stops not yet started (pending; locked ones keep their van
 * and order) and the day's ready orders that are in no route are planned again across every van still on shift,
 * idle vans of the depot included (from where they are now, else their start depot). Stops done, failed or in
 * progress and each van's position stay fixed; vans whose shift is over are left as they are. Nothing of the plan
 * is written: the proposal (the sequences, the change per van, the totals before and after) is stored for the
 * dispatcher to accept or discard, and applies only to the plan version it was computed on.
 */
import type { Principal } from '../auth/principal';
import type { Repositories } from '../db/repositories';
import { reads } from './context';
import { nowEpochSeconds } from '../domain/clock';
import { localDayRange } from '../domain/time';
import { conflict } from '../errors';
import { isLivePlan, recomputeLiveRoutes, type LiveRoute } from '../planning/live-routes';
import { reusingMatrix } from '../planning/matrix-reuse';
import { openWorkspace, pendingOfAll, routeFor, type Workspace } from '../planning/plan-workspace';
import { planningInput, planningVehicle } from '../planning/planning-input';
import { sumTotals, routeTotals, vehicleChanges } from '../planning/replan-diff';
import type { SequencedStop } from '../planning/route-evaluation';
import { buildPlanningProblem } from '../solving/planning-problem';
import { SolutionCheckError, type SolverRunner } from '../solving/runner';
import { dayOrders, depotVehicleIds } from './create-plan';
import { assertEditablePlan, type InsertionDeps } from './insert-live-order';
import type { UnassignedReason } from '../../solver/index';
import type { Order } from '../domain/model/order';
import type { ProposedRoute, ReplanProposal } from '../domain/model/proposal';
import type { RouteDraft } from '../domain/model/route';

export interface ReplanDeps extends InsertionDeps {
  solver: SolverRunner;
}

/** A proposal's times are computed from now: after this it is refused and must be made again. */
export const PROPOSAL_TTL_SECONDS = 15 * 60;

export interface ReplanOptions {
  timeLimitSeconds: number;
}

export async function proposeReplan(deps: ReplanDeps, planId: number, options: ReplanOptions, by: Principal): Promise<{ proposal: ReplanProposal; timeZone: string }> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  // The search runs outside any transaction, like re-optimization: the API stays free meanwhile.
  const repos = reads(deps.context);
  const plan = await assertEditablePlan(await repos.plans.findById(planId), planId);
  // One matrix for the search; the evaluations before and after read it again.
  const workspace = await openWorkspace(repos, plan, reusingMatrix(deps.routing), deps.positions, nowEpoch);
  const stored = new Set(workspace.routes.map((route) => route.vehicle.id));
  await addIdleVans(repos, workspace);
  const { onShift, offShift } = splitByShift(workspace, nowEpoch);

  const current = (await pendingOfAll(repos, workspace, onShift)).map((stops) => [...stops]);
  const inPlan = new Set(workspace.routes.flatMap((route) => route.route.stops.map((stop) => stop.orderId)));
  const newOrders = (await dayOrders(repos, plan.depotId, localDayRange(plan.date, workspace.context.depot.timeZone))).filter((order) => !inPlan.has(order.id));
  const { next, left } = await solveAgain(deps.solver, workspace, onShift, current, newOrders, options.timeLimitSeconds, planId);

  // Only totals are shown: no road geometry.
  const before = await recomputeLiveRoutes(workspace.context, onShift.map((live, v) => ({ live, pending: current[v]! })), { roadGeometry: false });
  const after = await recomputeLiveRoutes(workspace.context, onShift.map((live, v) => ({ live, pending: next[v]! })), { roadGeometry: false });
  const untouched = offShift.map((live) => live.route as RouteDraft);
  const reasons = new Map(left.map(({ order, reason }) => [order.id, reason]));
  const changes = vehicleChanges(
    onShift.map((live, v) => ({
      vehicleId: live.vehicle.id,
      newRoute: !stored.has(live.vehicle.id),
      beforeOrderIds: current[v]!.map((stop) => stop.order.id),
      afterOrderIds: next[v]!.map((stop) => stop.order.id),
      before: before[v]!,
      after: after[v]!,
    })),
    reasons,
  );
  const unassignedBefore = new Set([...(await repos.plans.listUnassigned(planId)).map((entry) => entry.orderId), ...newOrders.map((order) => order.id)]).size;
  const routes: ProposedRoute[] = onShift.map((live, v) => ({
    vehicleId: live.vehicle.id,
    orderIds: next[v]!.map((stop) => stop.order.id),
    lockedOrderIds: next[v]!.filter((stop) => stop.locked).map((stop) => stop.order.id),
  }));
  const proposal = await repos.proposals.insert({
    planId,
    planVersion: plan.version,
    createdBy: by.actor,
    createdAtEpoch: nowEpoch,
    expiresAtEpoch: nowEpoch + PROPOSAL_TTL_SECONDS,
    routes,
    unassigned: left.map(({ order, reason }) => ({ orderId: order.id, reason })),
    offShiftVehicleIds: offShift.map((live) => live.vehicle.id),
    changes,
    totals: {
      before: sumTotals([...before, ...untouched].map(routeTotals), unassignedBefore),
      after: sumTotals([...after, ...untouched].map(routeTotals), left.length),
    },
  });
  return { proposal, timeZone: workspace.context.depot.timeZone };
}

/**
 * Vans of the depot without a route get an empty one to be planned into; on a dispatched plan only those with a
 * driver (nobody would drive the others).
 */
async function addIdleVans(repos: Repositories, workspace: Workspace): Promise<void> {
  const live = isLivePlan(workspace.plan);
  const routed = new Set(workspace.routes.map((route) => route.vehicle.id));
  for (const vehicleId of await depotVehicleIds(repos, workspace.plan.depotId)) {
    if (routed.has(vehicleId)) continue;
    if (live && !(await repos.drivers.findByVehicleId(vehicleId))) continue;
    await routeFor(repos, workspace, vehicleId);
  }
}

/** On shift: the van can still leave before its shift ends (counting from where its route continues). */
function splitByShift(workspace: Workspace, nowEpoch: number): { onShift: LiveRoute[]; offShift: LiveRoute[] } {
  const onShift: LiveRoute[] = [];
  const offShift: LiveRoute[] = [];
  for (const route of workspace.routes) {
    const { shift } = planningVehicle(route.vehicle, workspace.context.depotsById, workspace.plan.date);
    const from = Math.max(nowEpoch, route.anchor?.epochSeconds ?? -Infinity);
    (from < shift.endEpochSeconds ? onShift : offShift).push(route);
  }
  return { onShift, offShift };
}

async function solveAgain(solver: SolverRunner, workspace: Workspace, onShift: LiveRoute[], current: SequencedStop[][], newOrders: Order[], timeLimitSeconds: number, planId: number) {
  const sequencedByOrder = new Map(current.flat().map((stop) => [stop.order.id, stop]));
  const orders = [...current.flat().map((stop) => stop.order), ...newOrders];
  const next: SequencedStop[][] = onShift.map(() => []);
  if (onShift.length === 0 || orders.length === 0) return { next, left: newOrders.map((order) => ({ order, reason: 'shift' as UnassignedReason })) };
  const liveStarts = new Map(onShift.flatMap((route) => (route.anchor ? [[route.vehicle.id, route.anchor] as const] : [])));
  const { context, plan } = workspace;
  const input = planningInput(context.depot, plan.date, onShift.map((route) => route.vehicle), orders, context.depotsById, liveStarts);
  const problem = await buildPlanningProblem(input, context.routing);
  const jobOf = new Map(orders.map((order, index) => [order.id, index + 1]));
  current.forEach((stops, v) => {
    const locked = stops.filter((stop) => stop.locked);
    if (locked.length > 0) problem.vroom.vehicles[v]!.steps = locked.map((stop) => ({ type: 'job' as const, id: jobOf.get(stop.order.id)!, locked: true }));
  });
  const outcome = await solver.solve(problem.vroom, { timeLimitMs: timeLimitSeconds * 1000 }).catch((error: unknown) => {
    if (!(error instanceof SolutionCheckError)) throw error;
    throw conflict('The locked stops cannot all be served on time in the order they are fixed; unlock some and try again', error.issues.map((issue) => ({ path: 'locked', message: issue.message, ...(issue.job ? { orderId: orders[issue.job - 1]!.id } : {}) })));
  });
  if (outcome.status !== 'solved') throw conflict(`Planning plan ${planId} again was cancelled`);
  onShift.forEach((_, v) => {
    const solved = outcome.solution.routes.find((candidate) => candidate.vehicle === v + 1);
    for (const step of solved?.steps ?? []) {
      if (step.type !== 'job') continue;
      const order = orders[step.id! - 1]!;
      next[v]!.push(sequencedByOrder.get(order.id) ?? { order, locked: false });
    }
  });
  const left = outcome.solution.unassigned.map((task) => ({ order: orders[task.id - 1]!, reason: task.reason }));
  return { next, left };
}
