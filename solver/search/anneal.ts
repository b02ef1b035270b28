import type { Rng } from '../model/rng';
import { twoOptStarDescent } from './operators/two-opt-star';
import { minimizeFleet } from './fleet';
import { BLINK_RATE, GRANULARITY, recreate } from './recreate';
import { DEFAULT_RUIN, ruin } from './ruin';
import { compareObjectives, objectiveOf, sameLevel, SearchSolution, type Objective } from './solution';

/** How long to search; the first limit reached stops it. */
export interface StoppingRule {
  timeLimitMs?: number;
  maxIterations?: number;
  maxIterationsWithoutImprovement?: number;
  /**
   * Replays a run that stopped on its time limit (or stall limit, or an abort): exactly this many iterations of
   * the same open-ended schedule, so the same seed gives the same solution. The time limit is then ignored.
   */
  replayIterations?: number;
  /** With the replay of a run minimising vehicles or balance: the iteration its first phase ended at. */
  replayPhaseIterations?: number;
}

export interface SolveProgress {
  iteration: number;
  elapsedMs: number;
  bestCost: number;
  unassigned: number;
  routes: number;
}

export interface SearchControl {
  stop: StoppingRule;
  clock?: () => number;
  signal?: { readonly aborted: boolean };
  onProgress?: (progress: SolveProgress) => void;
  /** Clock reading when solving began (construction counts against the time limit); default: now. */
  startedAt?: number;
}

export interface SearchOutcome {
  best: number[][];
  bestObjective: Objective;
  iterations: number;
  improvements: number;
  history: Array<[number, number]>;
  /** Minimising vehicles or balance: the iteration the first phase (fleet, or cost alone) ended at. */
  phaseIterations?: number;
}

/** Iterations when the caller gives no stopping rule at all. */
export const DEFAULT_ITERATIONS = 2000;
const PROGRESS_EVERY_ITERATIONS = 500;
/** Temperatures relative to the average edge cost of the first solution. */
const START_TEMPERATURE = 5;
const FINAL_TEMPERATURE = 0.05;
/** Open-ended runs cool over a horizon that doubles when reached: at first this many iterations per task (at least 1,000). */
const FIRST_HORIZON_PER_TASK = 1;
const FIRST_HORIZON_MIN = 1000;
/** With minimize `balance`: share of the run that searches cost alone first, so balancing starts from a cheap plan. */
const COST_FIRST_SHARE = 0.5;
/**
 * With minimize `vehicles`: share of the iterations or time that fleet minimisation takes first. A vehicle is worth
 * more than any distance, and the last route of a hard instance goes late; a fleet at its capacity bound ends early.
 */
const FLEET_SHARE = 0.8;

/**
 * Ruin-and-recreate under simulated annealing (SISR). Each iteration ruins a copy of the current solution,
 * recreates it, polishes it with 2-opt* around the reinserted tasks, and accepts it when it serves more, or costs less than the current one plus a random
 * allowance that shrinks as the run advances. A run with only an iteration budget cools once over it. An
 * open-ended run (time or stall limit) cools over a horizon that doubles each time it is reached: its
 * temperature depends on the iteration count alone, never on the clock, so the count it reports replays it.
 */
export function anneal(
  initial: SearchSolution,
  neighbors: Int32Array[],
  locked: Uint8Array,
  servable: Uint8Array,
  rng: Rng,
  control: SearchControl,
): SearchOutcome {
  const problem = initial.problem;
  const { stop, clock, signal, onProgress } = control;
  const startedAt = control.startedAt ?? clock?.() ?? 0;
  const replay = stop.replayIterations;
  const timeLimit = clock && stop.timeLimitMs !== undefined && replay === undefined ? stop.timeLimitMs : Infinity;
  const stallLimit = stop.maxIterationsWithoutImprovement ?? Infinity;
  const iterationLimit = replay ?? stop.maxIterations ?? (timeLimit === Infinity && stallLimit === Infinity ? DEFAULT_ITERATIONS : Infinity);
  const budgeted = replay === undefined && timeLimit === Infinity && stallLimit === Infinity;
  let horizon = budgeted ? iterationLimit : Math.max(FIRST_HORIZON_MIN, FIRST_HORIZON_PER_TASK * problem.taskCount);

  const current = initial;
  // The first phase ends at a share of the budget, which may be the clock's: its iteration is reported, and a
  // replay ends it at that iteration, so the run repeats exactly.
  const replayPhase = replay === undefined ? undefined : stop.replayPhaseIterations;
  let fleetIterations = 0;
  let phaseIterations: number | undefined;
  if (problem.minimize === 'vehicles') {
    // Fewest vehicles first: the cost search below never adds a route back (the vehicles level of the objective).
    const fleetTime = timeLimit * FLEET_SHARE;
    const fleetIterationLimit = iterationLimit === Infinity ? Infinity : Math.floor(iterationLimit * FLEET_SHARE);
    const fleetStall = stallLimit === Infinity ? Infinity : stallLimit * 10;
    fleetIterations = minimizeFleet(
      current,
      neighbors,
      locked,
      servable,
      rng,
      (k) =>
        replayPhase !== undefined
          ? k < replayPhase
          : k < fleetIterationLimit && k < fleetStall && !signal?.aborted && (fleetTime === Infinity || (clock ? clock() - startedAt : 0) < fleetTime),
    );
    phaseIterations = fleetIterations;
  }
  const candidate = new SearchSolution(problem);
  candidate.copyFrom(current);
  // Balance joins the objective once the cost search has had its share.
  let balancing = false;
  const evaluate = (solution: SearchSolution) => objectiveOf(solution, balancing);
  let currentObjective = evaluate(current);
  let bestObjective = currentObjective;
  let best = current.snapshot();
  const history: Array<[number, number]> = [[0, bestObjective.cost]];

  let assigned = 0;
  let used = 0;
  for (const route of current.routes)
    if (route.length > 0) {
      assigned += route.length;
      used++;
    }
  // Temperatures follow travel: a working-time cost also counts service, which no move changes.
  let scale = currentObjective.cost;
  if (problem.routeCost === 'working_time') scale = current.routes.reduce((total, route) => total + route.travelCost, 0);
  const averageEdge = assigned > 0 ? scale / (assigned + used) : 1;
  const startTemperature = START_TEMPERATURE * averageEdge;
  const finalTemperature = FINAL_TEMPERATURE * averageEdge;

  const changed = new Set<number>();
  let iteration = fleetIterations;
  let improvements = 0;
  let lastImprovement = fleetIterations;
  const elapsed = () => (clock ? clock() - startedAt : 0);
  /** How much of its budget the run has spent: iterations, time, or (a stall limit alone) iterations without improvement. */
  const budgetShare = (k: number, timeMs: number) =>
    Math.max(k / iterationLimit, timeMs / timeLimit, iterationLimit === Infinity && timeLimit === Infinity ? (k - lastImprovement) / stallLimit : 0);
  const report = () =>
    onProgress?.({
      iteration,
      elapsedMs: elapsed(),
      bestCost: bestObjective.cost,
      unassigned: bestObjective.unassigned,
      routes: best.filter((r) => r.length > 0).length,
    });

  report();
  while (iteration < iterationLimit && iteration - lastImprovement < stallLimit && !signal?.aborted) {
    const time = timeLimit < Infinity ? elapsed() : 0;
    if (time >= timeLimit) break;
    iteration++;
    // Past the horizon, it doubles: the schedule stretches and the search warms to where it was halfway.
    if (iteration > horizon) horizon *= 2;
    const progress = iteration / horizon;
    const temperature = startTemperature * Math.pow(finalTemperature / startTemperature, Math.min(1, progress));
    if (!balancing && problem.minimize === 'balance' && (replayPhase !== undefined ? iteration > replayPhase : budgetShare(iteration, time) >= COST_FIRST_SHARE)) {
      balancing = true;
      phaseIterations = iteration - 1;
      for (const route of current.routes) route.tasks = best[route.vehicle]!.slice();
      current.refresh();
      current.unassigned = [];
      for (let t = 0; t < problem.taskCount; t++) if (current.routeOf[t]! < 0) current.unassigned.push(t);
      candidate.copyFrom(current);
      currentObjective = evaluate(current);
      bestObjective = currentObjective;
      lastImprovement = iteration;
      history.push([iteration, bestObjective.cost]);
    }

    changed.clear();
    // Removed tasks, and the unassigned ones worth another try.
    const pending = ruin(candidate, neighbors, locked, rng, DEFAULT_RUIN, changed);
    const left: number[] = [];
    for (const t of candidate.unassigned) (servable[t] ? pending : left).push(t);
    candidate.unassigned = left;
    recreate(candidate, pending, rng, BLINK_RATE, changed, neighbors, GRANULARITY);
    // Polish around the reinserted tasks: tail exchanges the insertions alone cannot make.
    twoOptStarDescent(candidate, neighbors, GRANULARITY, rng, changed, pending);

    let objective = evaluate(candidate);
    const order = compareObjectives(objective, currentObjective);
    const accept =
      keepsFeasible(candidate, current, changed) &&
      (order < 0 || (sameLevel(objective, currentObjective) && objective.cost < currentObjective.cost - temperature * Math.log(rng.next())));
    if (accept) {
      current.copyFrom(candidate, changed);
      currentObjective = objective;
      if (compareObjectives(objective, bestObjective) < 0) {
        // A new best: polish every route the iteration touched before keeping it.
        twoOptStarDescent(current, neighbors, GRANULARITY, rng, changed, routeTasks(current, changed));
        candidate.copyFrom(current, changed);
        objective = evaluate(current);
        currentObjective = objective;
        bestObjective = objective;
        best = current.snapshot();
        improvements++;
        lastImprovement = iteration;
        history.push([iteration, objective.cost]);
        report();
      }
    } else candidate.copyFrom(current, changed);
    if (iteration % PROGRESS_EVERY_ITERATIONS === 0) report();
  }
  return { best, bestObjective, iterations: iteration, improvements, history, ...(phaseIterations !== undefined ? { phaseIterations } : {}) };
}

/**
 * Insertions are checked, removals are not: taking a stop out can move a break to where the load exceeds its
 * max_load, or (without the triangle inequality) make later stops late. Such a candidate is refused; a route
 * already infeasible (locked stops the driver is behind on) may stay so.
 */
function keepsFeasible(candidate: SearchSolution, current: SearchSolution, changed: ReadonlySet<number>): boolean {
  for (const r of changed) if (!candidate.routes[r]!.feasible && current.routes[r]!.feasible) return false;
  return true;
}

function routeTasks(solution: SearchSolution, routes: Set<number>): number[] {
  const tasks: number[] = [];
  for (const r of routes) tasks.push(...solution.routes[r]!.tasks);
  return tasks;
}
