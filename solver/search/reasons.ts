import { earliestStart, TASK_PICKUP, type Problem } from '../model/problem';
import type { UnassignedReason, VroomViolation } from '../model/vroom';
import type { SearchRoute } from './route';
import { simulateRoute } from './schedule';
import { SearchSolution } from './solution';

/** Why a task is left out: the reason, what it would cost where it fits, and which constraint blocks it on each vehicle. */
export interface UnassignedExplanation {
  reason: UnassignedReason;
  /** not_profitable: the least cost its cheapest feasible insertion would add. */
  cost?: number;
  /** Vehicle indices grouped by the constraint that rules the task out on them (or not_profitable where it fits). */
  vehicles: Array<{ reason: UnassignedReason; vehicles: number[] }>;
}

/** Ties between reasons go to the earlier one: the constraints that hold whatever the order of the stops first. */
const ORDER: UnassignedReason[] = ['skills', 'unreachable', 'capacity', 'max_tasks', 'time_window', 'shift', 'max_travel_time', 'max_distance', 'not_profitable'];

/**
 * Explains every task left out of `routes`, exactly: each vehicle is checked, the task alone on it first, then at
 * every insertion position of its route (every pickup/delivery pair of positions for a shipment). A vehicle where
 * some position is feasible makes the task `not_profitable`, with the cheapest such insertion's cost; otherwise a
 * vehicle's reason is the constraint most of its positions break, and the task's reason the one most vehicles
 * with its skills name (`skills` when none has them).
 */
export function explainUnassigned(problem: Problem, routes: number[][], tasks: number[]): Map<number, UnassignedExplanation> {
  const solution = new SearchSolution(problem);
  for (const route of solution.routes) route.tasks = routes[route.vehicle]!.slice();
  solution.refresh();
  const explanations = new Map<number, UnassignedExplanation>();
  for (const t of tasks) {
    const partner = problem.taskPartner[t]!;
    const known = partner >= 0 ? explanations.get(partner) : undefined;
    explanations.set(t, known ?? explain(problem, solution, t));
  }
  return explanations;
}

function explain(problem: Problem, solution: SearchSolution, t: number): UnassignedExplanation {
  const partner = problem.taskPartner[t]!;
  const pair = partner < 0 ? [t] : problem.taskKind[t] === TASK_PICKUP ? [t, partner] : [partner, t];
  const byVehicle: UnassignedReason[] = [];
  let cheapest = Infinity;
  for (const route of solution.routes) {
    const { reason, cost } = onVehicle(problem, route, pair);
    byVehicle.push(reason);
    if (cost < cheapest) cheapest = cost;
  }
  const groups = new Map<UnassignedReason, number[]>();
  byVehicle.forEach((reason, v) => {
    const list = groups.get(reason);
    if (list) list.push(v);
    else groups.set(reason, [v]);
  });
  const vehicles = [...groups].map(([reason, list]) => ({ reason, vehicles: list }));
  vehicles.sort((a, b) => b.vehicles.length - a.vehicles.length || ORDER.indexOf(a.reason) - ORDER.indexOf(b.reason));
  if (cheapest < Infinity) return { reason: 'not_profitable', cost: cheapest, vehicles };
  const capable = vehicles.filter((group) => group.reason !== 'skills');
  return { reason: capable[0]?.reason ?? 'skills', vehicles };
}

/** The constraint that rules the pair out on this route's vehicle, or not_profitable and the cost where it fits. */
function onVehicle(problem: Problem, route: SearchRoute, pair: number[]): { reason: UnassignedReason; cost: number } {
  const v = route.vehicle;
  if (!pair.every((x) => problem.allowed[x * problem.vehicleCount + v])) return { reason: 'skills', cost: Infinity };
  const alone = simulateRoute(problem, v, pair, pair.length, true);
  if (!alone.feasible) return { reason: classify(alone.steps.map((s) => [s.kind, s.violations] as const), alone.violations, alone.travelDuration), cost: Infinity };

  const cost = pair.length === 1 ? cheapestInsertion(route, pair[0]!) : route.bestPairInsertion(pair[0]!, pair[1]!, new Int32Array(2));
  if (cost < Infinity) return { reason: 'not_profitable', cost };

  const counts = new Map<UnassignedReason, number>();
  const count = (reason: UnassignedReason) => counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const tasks = route.tasks;
  for (let i = route.lockedPrefix + 1; i <= tasks.length + 1; i++) {
    if (pair.length === 1 && !route.exact && !route.breakCached) {
      count(cachedBlock(route, pair[0]!, i));
      continue;
    }
    for (let j = i; j <= (pair.length === 1 ? i : tasks.length + 1); j++) {
      const candidate = withInserted(tasks, pair, i - 1, j - 1);
      const schedule = simulateRoute(problem, v, candidate, candidate.length, true);
      count(classify(schedule.steps.map((s) => [s.kind, s.violations] as const), schedule.violations, schedule.travelDuration));
    }
  }
  let best: UnassignedReason = 'shift';
  let most = 0;
  for (const reason of ORDER) {
    const n = counts.get(reason) ?? 0;
    if (n > most) {
      best = reason;
      most = n;
    }
  }
  return { reason: best, cost: Infinity };
}

function cheapestInsertion(route: SearchRoute, t: number): number {
  let best = Infinity;
  for (let position = route.lockedPrefix + 1; position <= route.length + 1; position++) {
    const delta = route.insertionDelta(t, position, best);
    if (delta < best) best = delta;
  }
  return best;
}

/**
 * The first constraint job t breaks inserted before `position` of a route without breaks or soft windows, from
 * the route's caches in O(dimensions) — the same checks as the search's insertion, in ORDER.
 */
function cachedBlock(route: SearchRoute, t: number, position: number): UnassignedReason {
  const p = route.problem;
  const v = route.vehicle;
  const n = p.locations;
  const type = p.types[p.vehicleType[v]!]!;
  const durations = type.durations;
  const prev = route.location[position - 1]!;
  const next = route.location[position]!;
  const here = p.taskLocation[t]!;
  if (!(durations[prev * n + here]! < Infinity) || !(durations[here * n + next]! < Infinity)) return 'unreachable';
  const dims = p.dimensions;
  for (let d = 0; d < dims; d++) {
    const startLoad = p.taskStartLoad[t * dims + d]!;
    const capacity = p.vehicleCapacity[v * dims + d]!;
    if (route.prefixMaxLoad[(position - 1) * dims + d]! + startLoad > capacity) return 'capacity';
    if (route.suffixMaxLoad[(position - 1) * dims + d]! + startLoad + p.taskLoadChange[t * dims + d]! > capacity) return 'capacity';
  }
  if (route.length + 1 > p.vehicleMaxTasks[v]!) return 'max_tasks';
  const start = earliestStart(p, t, route.departEarliest[position - 1]! + durations[prev * n + here]!);
  if (start === Infinity) return 'time_window';
  const gainsSetup = position <= route.length && prev === next && here !== next;
  const arrivalNext = start + (prev !== here ? p.taskSetup[t]! : 0) + p.taskService[t]! + durations[here * n + next]!;
  if (!route.canArrive(position, arrivalNext, gainsSetup)) return route.latestByShift[gainsSetup ? position + 1 : position] ? 'shift' : 'time_window';
  const travel = route.travelDuration + durations[prev * n + here]! + durations[here * n + next]! - durations[prev * n + next]!;
  if (travel > p.vehicleMaxTravelTime[v]!) return 'max_travel_time';
  return 'max_distance';
}

function classify(steps: ReadonlyArray<readonly [string, VroomViolation[]]>, route: VroomViolation[], travel: number): UnassignedReason {
  if (!(travel < Infinity)) return 'unreachable';
  for (const [kind, violations] of steps) {
    if (violations.some((x) => x.cause === 'load')) return 'capacity';
    if (kind === 'task' && violations.some((x) => x.cause === 'delay')) return 'time_window';
  }
  const causes = new Set(route.map((x) => x.cause));
  if (causes.has('max_tasks')) return 'max_tasks';
  if (causes.has('max_travel_time')) return 'max_travel_time';
  if (causes.has('max_distance')) return 'max_distance';
  return 'shift';
}

/** tasks with pair[0] inserted before index i and pair[1] (if any) before index j >= i of the original list. */
function withInserted(tasks: number[], pair: number[], i: number, j: number): number[] {
  if (pair.length === 1) return [...tasks.slice(0, i), pair[0]!, ...tasks.slice(i)];
  return [...tasks.slice(0, i), pair[0]!, ...tasks.slice(i, j), pair[1]!, ...tasks.slice(j)];
}
