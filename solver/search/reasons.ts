import { TASK_PICKUP, type Problem } from '../model/problem';
import type { UnassignedReason, VroomViolation } from '../model/vroom';
import { simulateRoute } from './schedule';

/**
 * Why a task is left out. First what rules it out on every vehicle even alone (skills, unreachable, capacity,
 * time window, shift, limits); else what stops it from joining the routes as they are (by vote over a spread of
 * places); `not_profitable` when a place exists but the objective refused it.
 */
export function unassignedReason(problem: Problem, routes: number[][], t: number): UnassignedReason {
  const partner = problem.taskPartner[t]!;
  const pair = partner < 0 ? [t] : problem.taskKind[t] === TASK_PICKUP ? [t, partner] : [partner, t];
  const vehicles: number[] = [];
  for (let v = 0; v < problem.vehicleCount; v++)
    if (pair.every((x) => problem.allowed[x * problem.vehicleCount + v])) vehicles.push(v);
  if (vehicles.length === 0) return 'skills';

  const aloneVotes = new Map<UnassignedReason, number>();
  const fitsAlone: number[] = [];
  for (const v of vehicles) {
    const schedule = simulateRoute(problem, v, pair, pair.length, true);
    if (schedule.feasible) fitsAlone.push(v);
    else vote(aloneVotes, classify(schedule.steps.map((s) => [s.kind, s.violations] as const), schedule.violations, schedule.travelDuration));
  }
  if (fitsAlone.length === 0) return winner(aloneVotes);

  const votes = new Map<UnassignedReason, number>();
  for (const v of fitsAlone.slice(0, MAX_VEHICLES_TRIED)) {
    const tasks = routes[v]!;
    for (const i of sample(0, tasks.length))
      for (const j of pair.length === 1 ? [i] : sample(i, tasks.length)) {
        const candidate = withInserted(tasks, pair, i, j);
        const schedule = simulateRoute(problem, v, candidate, candidate.length, true);
        if (schedule.feasible) return 'not_profitable';
        vote(votes, classify(schedule.steps.map((s) => [s.kind, s.violations] as const), schedule.violations, schedule.travelDuration));
      }
  }
  return winner(votes);
}

/** Enough places tried to name the constraint that blocks, without simulating every route of a big day. */
const MAX_VEHICLES_TRIED = 50;
const MAX_POSITIONS_TRIED = 12;

/** Up to MAX_POSITIONS_TRIED positions spread evenly over first..last, both ends included. */
function sample(first: number, last: number): number[] {
  const count = last - first + 1;
  if (count <= MAX_POSITIONS_TRIED) return Array.from({ length: count }, (_, k) => first + k);
  return Array.from({ length: MAX_POSITIONS_TRIED }, (_, k) => first + Math.round((k * (count - 1)) / (MAX_POSITIONS_TRIED - 1)));
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

function vote(votes: Map<UnassignedReason, number>, reason: UnassignedReason): void {
  votes.set(reason, (votes.get(reason) ?? 0) + 1);
}

function winner(votes: Map<UnassignedReason, number>): UnassignedReason {
  let best: UnassignedReason = 'not_profitable';
  let count = 0;
  for (const [reason, n] of votes)
    if (n > count) {
      best = reason;
      count = n;
    }
  return best;
}

/** tasks with pair[0] inserted before index i and pair[1] (if any) before index j >= i of the original list. */
function withInserted(tasks: number[], pair: number[], i: number, j: number): number[] {
  if (pair.length === 1) return [...tasks.slice(0, i), pair[0]!, ...tasks.slice(i)];
  return [...tasks.slice(0, i), pair[0]!, ...tasks.slice(i, j), pair[1]!, ...tasks.slice(j)];
}
