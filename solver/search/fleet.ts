import type { Rng } from '../model/rng';
import { ejectionPool } from './ejection';
import { BLINK_RATE, GRANULARITY, recreate } from './recreate';
import { DEFAULT_RUIN, ruin } from './ruin';
import { objectiveOf, SearchSolution } from './solution';


/**
 * Fleet minimisation: writes the smallest feasible fleet found into `solution` and returns the iterations spent.
 * `keepGoing` is asked before each iteration. Routes checked by their caches alone (no breaks, soft windows or
 * working-time cost) with jobs alone get the ejection pool; the others ruin and recreate.
 */
export function minimizeFleet(
  solution: SearchSolution,
  neighbors: Int32Array[],
  locked: Uint8Array,
  servable: Uint8Array,
  rng: Rng,
  keepGoing: (iteration: number) => boolean,
): number {
  const problem = solution.problem;
  // The ejection walk knows windows, load and limits, not breaks, even where the route caches them.
  const cached =
    solution.routes.every((route) => !route.exact && problem.vehicleBreaks[route.vehicle]!.length === 0) && problem.taskPartner.every((partner) => partner < 0);
  return cached ? ejectionPool(solution, neighbors, locked, rng, keepGoing) : ruinAndRecreate(solution, neighbors, locked, servable, rng, keepGoing);
}

/**
 * SISR's fleet minimisation (Christiaens & Vanden Berghe 2020, §5): empty the smallest route, close it and every
 * empty vehicle, and ruin and recreate until the tasks it held are all served again; then the next route. A
 * candidate is kept when it leaves fewer tasks out, or when the ones it leaves out have been left out less often
 * (absence counters, so the hard tasks get placed first).
 */
function ruinAndRecreate(
  solution: SearchSolution,
  neighbors: Int32Array[],
  locked: Uint8Array,
  servable: Uint8Array,
  rng: Rng,
  keepGoing: (iteration: number) => boolean,
): number {
  const problem = solution.problem;
  const target = objectiveOf(solution);
  let best = solution.snapshot();
  const current = solution;
  const candidate = new SearchSolution(problem);
  const absence = new Float64Array(problem.taskCount);
  const changed = new Set<number>();
  const served = (s: SearchSolution) => s.lostPriority() <= target.lostPriority && s.unassignedCount() <= target.unassigned;
  const absent = (s: SearchSolution) => s.unassigned.reduce((total, t) => total + (servable[t] ? absence[t]! : 0), 0);
  let iteration = 0;

  const emptyRoute = (): boolean => {
    let smallest = -1;
    for (const route of current.routes)
      if (route.length > 0 && route.lockedPrefix === 0 && !route.tasks.some((t) => locked[t]) && (smallest < 0 || route.length < current.routes[smallest]!.length))
        smallest = route.vehicle;
    if (smallest < 0) return false;
    const route = current.routes[smallest]!;
    for (const t of route.tasks) current.routeOf[t] = -1;
    current.unassigned.push(...route.tasks);
    route.tasks = [];
    route.update();
    for (const r of current.routes) r.closed = r.length === 0;
    return true;
  };

  let searching = emptyRoute();
  if (searching) {
    for (const r of candidate.routes) r.closed = current.routes[r.vehicle]!.closed;
    candidate.copyFrom(current);
  }
  let currentAbsent = absent(current);
  while (searching && keepGoing(iteration)) {
    iteration++;
    changed.clear();
    const pending = ruin(candidate, neighbors, locked, rng, DEFAULT_RUIN, changed);
    const left: number[] = [];
    for (const t of candidate.unassigned) (servable[t] ? pending : left).push(t);
    candidate.unassigned = left;
    recreate(candidate, pending, rng, BLINK_RATE, changed, neighbors, GRANULARITY);
    let feasible = true;
    for (const r of changed) if (!candidate.routes[r]!.feasible && current.routes[r]!.feasible) feasible = false;
    const candidateAbsent = absent(candidate);
    if (feasible && (candidate.unassignedCount() < current.unassignedCount() || candidateAbsent < currentAbsent)) {
      current.copyFrom(candidate, changed);
    } else candidate.copyFrom(current, changed);
    for (const t of current.unassigned) absence[t]! += 1;
    currentAbsent = absent(current);
    if (served(current)) {
      best = current.snapshot();
      searching = emptyRoute();
      for (const r of candidate.routes) r.closed = current.routes[r.vehicle]!.closed;
      candidate.copyFrom(current);
      currentAbsent = absent(current);
    }
  }

  for (const route of current.routes) {
    route.closed = false;
    route.tasks = best[route.vehicle]!.slice();
  }
  current.unassigned = [];
  current.refresh();
  for (let t = 0; t < problem.taskCount; t++) if (current.routeOf[t]! < 0) current.unassigned.push(t);
  return iteration;
}
