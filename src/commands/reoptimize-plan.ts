/**
 * Re-optimizes a plan's unlocked remainder on demand: stops done or in progress stay, locked stops stay on their
 * vehicle in their order (locked `vehicle.steps`), everything else pending is placed anew by the solver. The
 * search runs outside any transaction (the API stays free); the result is written only if the plan's version
 * did not move meanwhile, else 409. Orders the solver leaves out go back to ready and are listed as unassigned.
 */
import { moveOrders, publishStatusChanges } from './move-orders';
import { nowEpochSeconds } from '../domain/clock';
import type { Principal } from '../auth/principal';
import { canTransition } from '../domain/order-lifecycle';
import { conflict } from '../errors';
import { evaluateEdited, openWorkspace, pendingOf, saveEvaluated } from '../planning/plan-workspace';
import { planningInput } from '../planning/planning-input';
import type { SequencedStop } from '../planning/route-evaluation';
import { buildPlanningProblem } from '../solving/planning-problem';
import { SolutionCheckError, type SolverRunner } from '../solving/runner';
import { inTransaction, reads } from './context';
import { assertEditablePlan, type InsertionDeps } from './insert-live-order';

export interface ReoptimizeOutcome {
  version: number;
  depotId: number;
  routeIds: number[];
  unassigned: { orderId: number; reason: string }[];
}

export async function reoptimizePlan(deps: InsertionDeps & { solver: SolverRunner }, planId: number, timeLimitSeconds: number, by: Principal): Promise<ReoptimizeOutcome> {
  const nowEpoch = nowEpochSeconds(deps.context.clock);
  const repos = reads(deps.context);
  const plan = await assertEditablePlan(await repos.plans.findById(planId), planId);
  const workspace = await openWorkspace(repos, plan, deps.routing, deps.positions, nowEpoch);
  const sequences = await Promise.all(workspace.routes.map((route) => pendingOf(repos, workspace, route)));
  const orders = sequences.flat().map((stop) => stop.order);
  const liveStarts = new Map(workspace.routes.flatMap((route) => (route.anchor ? [[route.vehicle.id, route.anchor] as const] : [])));
  const input = planningInput(workspace.context.depot, plan.date, workspace.routes.map((route) => route.vehicle), orders, workspace.context.depotsById, liveStarts);
  const problem = await buildPlanningProblem(input, deps.routing);
  const jobOf = new Map(orders.map((order, index) => [order.id, index + 1]));
  sequences.forEach((stops, v) => {
    const locked = stops.filter((stop) => stop.locked);
    if (locked.length > 0) problem.vroom.vehicles[v]!.steps = locked.map((stop) => ({ type: 'job' as const, id: jobOf.get(stop.order.id)!, locked: true }));
  });
  const outcome = await deps.solver.solve(problem.vroom, { timeLimitMs: timeLimitSeconds * 1000 }).catch((error: unknown) => {
    // Locked stops are kept as fixed even when their order cannot be kept on time: the dispatcher must unlock some.
    if (!(error instanceof SolutionCheckError)) throw error;
    throw conflict('The locked stops cannot all be served on time in the order they are fixed; unlock some and try again', error.issues.map((issue) => ({ path: 'locked', message: issue.message, ...(issue.job ? { orderId: orders[issue.job - 1]!.id } : {}) })));
  });
  if (outcome.status !== 'solved') throw conflict(`Re-optimizing plan ${planId} was cancelled`);

  const bySequence = new Map(sequences.flat().map((stop) => [stop.order.id, stop]));
  workspace.routes.forEach((route, v) => {
    const solved = outcome.solution.routes.find((candidate) => candidate.vehicle === v + 1);
    const next: SequencedStop[] = (solved?.steps ?? []).filter((step) => step.type === 'job').map((step) => bySequence.get(orders[step.id! - 1]!.id)!);
    workspace.edited.set(route.route.id, next);
  });
  const left = outcome.solution.unassigned.map((task) => ({ order: orders[task.id - 1]!, reason: task.reason }));
  const evaluated = await evaluateEdited(workspace);

  const written = await inTransaction(deps.context, async (trx) => {
    const current = await trx.plans.findByIdForUpdate(planId);
    if (current?.version !== plan.version) throw conflict(`Plan ${planId} changed while it was re-optimized; try again`, [{ path: 'version', message: `was ${plan.version}, now ${current?.version}` }]);
    for (const { order, reason } of left) await trx.plans.addUnassigned(planId, { orderId: order.id, reason });
    const leaving = left.filter(({ order }) => canTransition(order.status, 'ready'));
    const moved = await moveOrders(trx, leaving.map(({ order }) => ({ order, path: ['ready'], vehicleId: null, reason: `left out when plan ${planId} was re-optimized`, data: { planId } })), by.actor);
    for (const { live, draft } of evaluated) {
      for (const stop of draft.stops) if (stop.status === 'pending') await trx.orders.setAssignedVehicle(stop.orderId, live.vehicle.id);
    }
    const { version } = await saveEvaluated(trx, workspace, evaluated, left.length);
    return { version, moved };
  });
  publishStatusChanges(deps.context.events, written.moved);
  const routeIds = evaluated.map(({ live }) => live.route.id);
  deps.context.events.publish('plan.changed', { planId, depotId: plan.depotId, version: written.version, routeIds, actor: by.actor });
  return { version: written.version, depotId: plan.depotId, routeIds, unassigned: left.map(({ order, reason }) => ({ orderId: order.id, reason })) };
}
