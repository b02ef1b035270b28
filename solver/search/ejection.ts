import type { Rng } from '../model/rng';
import { earliestStart } from '../model/problem';
import type { SearchRoute } from './route';
import type { SearchSolution } from './solution';

/** At most this many tasks are ejected to make room for one (Nagata & Bräysy's k_max, kept small for speed). */
export const MAX_EJECTED = 3;
/**
 * Tasks ejected before the new one only make it earlier, and any wait on the way absorbs that: only the last this
 * many before it are candidates. Without the limit the walk over a route of L tasks costs O(L^4) instead of O(L^3).
 */
export const EJECT_BEFORE = 5;
/** Random feasible moves between two ejections: they reshape the routes so that the pool's tasks fit elsewhere. */
const PERTURBATION_MOVES = 100;
/** A perturbation move goes next to one of this many nearest tasks. */
const NEAR = 20;

/**
 * Route minimisation with an ejection pool (Nagata & Bräysy 2009; Lim & Zhang 2007): take a route out, put its
 * tasks in the pool, and insert them one at a time (last in, first out). A task that fits nowhere gets its
 * failure counter raised and goes in where the fewest counters' worth of tasks, at most MAX_EJECTED of one
 * route, can leave for it; those join the pool, and random feasible moves reshape the routes. When the pool is
 * empty the fleet is one smaller and the next route goes. Each task popped is one iteration; the last attempt,
 * stopped by `keepGoing`, is undone. Routes must be checked by their caches (SearchRoute.exact false) and tasks
 * must be jobs. Stops early at the capacity bound on the fleet.
 */
export function ejectionPool(
  solution: SearchSolution,
  neighbors: Int32Array[],
  locked: Uint8Array,
  rng: Rng,
  keepGoing: (iteration: number) => boolean,
): number {
  const problem = solution.problem;
  const failures = new Float64Array(problem.taskCount).fill(1);
  const search = new EjectionSearch(solution, locked, failures);
  const bound = fleetBound(solution);
  let best = solution.snapshot();
  const pool: number[] = [];
  let iteration = 0;

  const removeRoute = (): boolean => {
    const used = solution.routes.filter((route) => route.length > 0);
    if (used.length <= bound) return false;
    const candidates = used.filter((route) => route.lockedPrefix === 0 && !route.tasks.some((t) => locked[t]));
    if (candidates.length === 0) return false;
    const route = candidates[rng.int(candidates.length)]!;
    for (const t of route.tasks) solution.routeOf[t] = -1;
    pool.push(...route.tasks);
    route.tasks = [];
    route.update();
    for (const r of solution.routes) r.closed = r.length === 0;
    return true;
  };

  let searching = removeRoute();
  while (searching && keepGoing(iteration)) {
    iteration++;
    const t = pool.pop()!;
    if (!insertCheapest(solution, t)) {
      failures[t]! += 1;
      const found = search.best(t, rng);
      if (!found) {
        // No route takes it even emptied of MAX_EJECTED tasks: keep it for after the routes change.
        pool.unshift(t);
      } else {
        const route = solution.routes[found.route]!;
        const gone = new Set(found.ejected);
        const tasks: number[] = [];
        route.tasks.forEach((task, k) => {
          if (k + 1 === found.position) tasks.push(t);
          if (!gone.has(task)) tasks.push(task);
        });
        if (found.position === route.length + 1) tasks.push(t);
        route.tasks = tasks;
        route.update();
        solution.routeOf[t] = route.vehicle;
        for (const e of found.ejected) {
          solution.routeOf[e] = -1;
          pool.push(e);
        }
      }
      perturb(solution, neighbors, locked, rng, PERTURBATION_MOVES);
    }
    if (pool.length === 0) {
      best = solution.snapshot();
      searching = removeRoute();
    }
  }

  for (const route of solution.routes) {
    route.closed = false;
    route.tasks = best[route.vehicle]!.slice();
  }
  solution.refresh();
  solution.unassigned = [];
  for (let t = 0; t < problem.taskCount; t++) if (solution.routeOf[t]! < 0) solution.unassigned.push(t);
  return iteration;
}

/** Inserts t at its cheapest feasible place in an open route; false when there is none. */
function insertCheapest(solution: SearchSolution, t: number): boolean {
  const problem = solution.problem;
  let best = Infinity;
  let bestRoute = -1;
  let bestPosition = -1;
  for (const route of solution.routes) {
    if (route.closed || !problem.allowed[t * problem.vehicleCount + route.vehicle]) continue;
    for (let position = route.lockedPrefix + 1; position <= route.length + 1; position++) {
      const delta = route.insertionDelta(t, position);
      if (delta < best) {
        best = delta;
        bestRoute = route.vehicle;
        bestPosition = position;
      }
    }
  }
  if (bestRoute < 0) return false;
  const route = solution.routes[bestRoute]!;
  route.insert(t, bestPosition);
  route.update();
  solution.routeOf[t] = bestRoute;
  return true;
}

/**
 * Fewest vehicles that could carry the total load: what the tasks deliver (loaded at the start) and what they pick
 * up (on board at the end), per dimension, against the largest capacities.
 */
function fleetBound(solution: SearchSolution): number {
  const problem = solution.problem;
  const dims = problem.dimensions;
  let bound = 1;
  for (let d = 0; d < dims; d++) {
    let delivered = 0;
    let picked = 0;
    for (let t = 0; t < problem.taskCount; t++) {
      if (solution.routeOf[t]! < 0) continue;
      delivered += problem.taskStartLoad[t * dims + d]!;
      picked += problem.taskStartLoad[t * dims + d]! + problem.taskLoadChange[t * dims + d]!;
    }
    const capacities = Array.from({ length: problem.vehicleCount }, (_, v) => problem.vehicleCapacity[v * dims + d]!).sort((a, b) => b - a);
    const total = Math.max(delivered, picked);
    let carried = 0;
    let vehicles = 0;
    while (carried < total - 1e-9 && vehicles < capacities.length) carried += capacities[vehicles++]!;
    bound = Math.max(bound, vehicles);
  }
  return bound;
}

interface Ejection {
  route: number;
  /** Insertion before this position (1..length + 1) of the route as it is. */
  position: number;
  ejected: number[];
}

/**
 * The cheapest insertion with ejection: over every open route and position, the set of at most MAX_EJECTED tasks
 * whose failure counters add up least and whose removal lets the task in. A depth-first walk along the route
 * decides for each task to keep or eject it, carrying the departure time forward; once past the new task, the
 * route's backward slack (SearchRoute.latest) says in O(1) whether the untouched rest is feasible, which ends the
 * branch. Branches whose counters already reach the best sum are cut.
 */
export class EjectionSearch {
  private readonly ejected = new Int32Array(MAX_EJECTED);
  private bestSum = Infinity;
  private bestCount = 0;
  private readonly bestEjected = new Int32Array(MAX_EJECTED);
  private route!: SearchRoute;
  private task = -1;
  private position = 0;

  constructor(
    private readonly solution: SearchSolution,
    private readonly locked: Uint8Array,
    private readonly failures: Float64Array,
  ) {}

  best(t: number, rng: Rng): Ejection | undefined {
    const problem = this.solution.problem;
    this.task = t;
    this.bestSum = Infinity;
    let found: Ejection | undefined;
    const routes = this.solution.routes;
    const first = rng.int(routes.length);
    for (let i = 0; i < routes.length; i++) {
      const route = routes[(first + i) % routes.length]!;
      if (route.closed || !problem.allowed[t * problem.vehicleCount + route.vehicle]) continue;
      this.route = route;
      for (let position = route.lockedPrefix + 1; position <= route.length + 1; position++) {
        this.position = position;
        const before = this.bestSum;
        // Up to the first task that may be ejected, the route is as cached.
        const from = Math.max(route.lockedPrefix + 1, position - EJECT_BEFORE);
        this.visit(from, route.departEarliest[from - 1]!, route.location[from - 1]!, 0, 0, false);
        if (this.bestSum < before) {
          const ejected: number[] = [];
          for (let k = 0; k < this.bestCount; k++) ejected.push(route.tasks[this.bestEjected[k]! - 1]!);
          found = { route: route.vehicle, position, ejected };
        }
      }
    }
    return found;
  }

  /**
   * Position k (1..length + 1) of the route comes next, after leaving `from` at `time` with `count` tasks ejected
   * (their counters sum to `sum`); `inserted` once the new task is placed.
   */
  private visit(k: number, time: number, from: number, count: number, sum: number, inserted: boolean): void {
    const problem = this.solution.problem;
    const route = this.route;
    const n = problem.locations;
    const durations = problem.types[problem.vehicleType[route.vehicle]!]!.durations;
    if (!inserted && k === this.position) {
      const t = this.task;
      const here = problem.taskLocation[t]!;
      const start = earliestStart(problem, t, time + durations[from * n + here]!);
      if (start === Infinity) return;
      time = start + (from !== here ? problem.taskSetup[t]! : 0) + problem.taskService[t]!;
      from = here;
      inserted = true;
    }
    const to = route.location[k]!;
    const arrival = time + durations[from * n + to]!;
    const length = route.length;
    if (inserted) {
      const gainsSetup = k <= length && route.location[k - 1] === to && from !== to;
      if (route.canArrive(k, arrival, gainsSetup) && this.fits(count)) {
        this.bestSum = sum;
        this.bestCount = count;
        this.bestEjected.set(this.ejected.subarray(0, count));
        return;
      }
    }
    if (k > length) return;
    const t = route.tasks[k - 1]!;
    const failures = this.failures[t]!;
    if (count < MAX_EJECTED && k > route.lockedPrefix && !this.locked[t] && sum + failures < this.bestSum) {
      this.ejected[count] = k;
      this.visit(k + 1, time, from, count + 1, sum + failures, inserted);
    }
    // Kept: the rest from k, untouched, did not fit, so with no ejection left this branch cannot.
    if (inserted && count === MAX_EJECTED) return;
    const start = earliestStart(problem, t, arrival);
    if (start === Infinity) return;
    this.visit(k + 1, start + (from !== to ? problem.taskSetup[t]! : 0) + problem.taskService[t]!, to, count, sum, inserted);
  }

  /** Load, task count, travel time and distance of the route with the new task in and `count` ejected: O(length). */
  private fits(count: number): boolean {
    const problem = this.solution.problem;
    const route = this.route;
    const v = route.vehicle;
    const t = this.task;
    const length = route.length;
    if (length + 1 - count > problem.vehicleMaxTasks[v]!) return false;
    const dims = problem.dimensions;
    const skip = (k: number) => {
      for (let e = 0; e < count; e++) if (this.ejected[e] === k) return true;
      return false;
    };
    for (let d = 0; d < dims; d++) {
      let load = route.startLoadBefore[(length + 1) * dims + d]! + problem.taskStartLoad[t * dims + d]!;
      for (let e = 0; e < count; e++) load -= problem.taskStartLoad[route.tasks[this.ejected[e]! - 1]! * dims + d]!;
      const capacity = problem.vehicleCapacity[v * dims + d]!;
      if (load > capacity) return false;
      for (let k = 1; k <= length + 1; k++) {
        if (k === this.position) {
          load += problem.taskLoadChange[t * dims + d]!;
          if (load > capacity) return false;
        }
        if (k > length || skip(k)) continue;
        load += problem.taskLoadChange[route.tasks[k - 1]! * dims + d]!;
        if (load > capacity) return false;
      }
    }
    const maxTravel = problem.vehicleMaxTravelTime[v]!;
    const maxDistance = problem.vehicleMaxDistance[v]!;
    if (maxTravel < Infinity || maxDistance < Infinity) {
      const type = problem.types[problem.vehicleType[v]!]!;
      const n = problem.locations;
      let travel = 0;
      let distance = 0;
      let from = route.location[0]!;
      for (let k = 1; k <= length + 1; k++) {
        if (k === this.position) {
          const here = problem.taskLocation[t]!;
          travel += type.durations[from * n + here]!;
          distance += type.distances[from * n + here]!;
          from = here;
        }
        if (k <= length && skip(k)) continue;
        const to = route.location[k]!;
        travel += type.durations[from * n + to]!;
        distance += type.distances[from * n + to]!;
        from = to;
      }
      if (travel > maxTravel || distance > maxDistance) return false;
    }
    return true;
  }
}

/**
 * Random feasible moves, whatever they cost: a task moved next to one of its nearest tasks in another route, the
 * two swapped, or (2-opt*) the routes' tails exchanged there; a nearest task in the same route draws the task next
 * to it when that does not lengthen the route (relocateWithin). The caches rule most moves out in O(1); a move they
 * let through is made and undone when the routes, recomputed, say it is infeasible.
 */
function perturb(solution: SearchSolution, neighbors: Int32Array[], locked: Uint8Array, rng: Rng, moves: number): void {
  const problem = solution.problem;
  const vehicleCount = problem.vehicleCount;
  for (let m = 0; m < moves; m++) {
    const u = rng.int(problem.taskCount);
    const ru = solution.routeOf[u]!;
    const list = neighbors[u]!;
    if (ru < 0 || locked[u] || list.length === 0) continue;
    const w = list[rng.int(Math.min(NEAR, list.length))]!;
    const rw = solution.routeOf[w]!;
    if (rw < 0 || locked[w]) continue;
    const from = solution.routes[ru]!;
    const to = solution.routes[rw]!;
    const pu = solution.positionOf[u]!;
    const pw = solution.positionOf[w]!;
    if (pu <= from.lockedPrefix || pw <= to.lockedPrefix) continue;
    if (rw === ru) {
      relocateWithin(from, pu, pw + rng.int(2));
      continue;
    }
    const move = rng.int(3);
    let fromTasks: number[];
    let toTasks: number[];
    if (move === 0) {
      // Relocate u before or after w.
      const position = pw + rng.int(2);
      if (!problem.allowed[u * vehicleCount + rw] || !removable(from, pu) || !(to.insertionDelta(u, position) < Infinity)) continue;
      fromTasks = from.tasks.slice();
      toTasks = to.tasks.slice();
      from.tasks.splice(pu - 1, 1);
      to.insert(u, position);
    } else if (move === 1) {
      if (!problem.allowed[u * vehicleCount + rw] || !problem.allowed[w * vehicleCount + ru] || !replaceable(to, pw, u) || !replaceable(from, pu, w)) continue;
      fromTasks = from.tasks.slice();
      toTasks = to.tasks.slice();
      from.tasks[pu - 1] = w;
      to.tasks[pw - 1] = u;
    } else {
      // 2-opt*: u's route goes on with w and what follows it, w's with what followed u.
      if (!crossable(from, pu, to, pw)) continue;
      const uTail = from.tasks.slice(pu);
      const wTail = to.tasks.slice(pw - 1);
      if (!movable(wTail, ru, locked, problem.allowed, vehicleCount) || !movable(uTail, rw, locked, problem.allowed, vehicleCount)) continue;
      fromTasks = from.tasks;
      toTasks = to.tasks;
      from.tasks = fromTasks.slice(0, pu).concat(wTail);
      to.tasks = toTasks.slice(0, pw - 1).concat(uTail);
    }
    from.update();
    to.update();
    if (!from.feasible || !to.feasible) {
      from.tasks = fromTasks;
      to.tasks = toTasks;
      from.update();
      to.update();
      continue;
    }
    for (const t of from.tasks) solution.routeOf[t] = ru;
    for (const t of to.tasks) solution.routeOf[t] = rw;
    if (from.length === 0) from.closed = true;
    if (to.length === 0) to.closed = true;
  }
}

/**
 * Moves the task at position a of the route to before position b when the route stays feasible and gets no
 * longer: a shorter route has room for more, where the moves between routes above only reshape.
 */
function relocateWithin(route: SearchRoute, a: number, b: number): void {
  if (b === a || b === a + 1) return;
  const tasks = route.tasks;
  const before = route.travelCost;
  const kept = tasks.slice();
  const [t] = tasks.splice(a - 1, 1);
  tasks.splice(b > a ? b - 2 : b - 1, 0, t!);
  route.update();
  if (!route.feasible || route.travelCost > before) {
    route.tasks = kept;
    route.update();
  }
}

function movable(tasks: number[], vehicle: number, locked: Uint8Array, allowed: Uint8Array, vehicleCount: number): boolean {
  for (const t of tasks) if (locked[t] || !allowed[t * vehicleCount + vehicle]) return false;
  return true;
}

/** Whether the stop after position k is still reached in time without the task at k (a necessary condition). */
function removable(route: SearchRoute, k: number): boolean {
  const problem = route.problem;
  const durations = problem.types[problem.vehicleType[route.vehicle]!]!.durations;
  const next = route.location[k + 1]!;
  const arrival = route.departEarliest[k - 1]! + durations[route.location[k - 1]! * problem.locations + next]!;
  return arrival <= route.latest[k + 1]! || route.location[k] === next;
}

/** Whether task t fits in place of the task at position k, by windows and load (a necessary condition). */
function replaceable(route: SearchRoute, k: number, t: number): boolean {
  const problem = route.problem;
  const v = route.vehicle;
  const dims = problem.dimensions;
  const old = route.tasks[k - 1]!;
  for (let d = 0; d < dims; d++) {
    const added = problem.taskStartLoad[t * dims + d]! - problem.taskStartLoad[old * dims + d]!;
    const capacity = problem.vehicleCapacity[v * dims + d]!;
    if (route.prefixMaxLoad[(k - 1) * dims + d]! + added > capacity) return false;
    if (route.suffixMaxLoad[(k + 1) * dims + d]! + added + problem.taskLoadChange[t * dims + d]! - problem.taskLoadChange[old * dims + d]! > capacity) return false;
  }
  const durations = problem.types[problem.vehicleType[v]!]!.durations;
  const n = problem.locations;
  const here = problem.taskLocation[t]!;
  const start = earliestStart(problem, t, route.departEarliest[k - 1]! + durations[route.location[k - 1]! * n + here]!);
  if (start === Infinity) return false;
  const next = route.location[k + 1]!;
  const arrival = start + (route.location[k - 1] !== here ? problem.taskSetup[t]! : 0) + problem.taskService[t]! + durations[here * n + next]!;
  // latest[k + 1] counts that stop's setup, which it may no longer pay.
  return arrival <= route.latest[k + 1]! + (k < route.length ? problem.taskSetup[route.tasks[k]!]! : 0);
}

/** Whether the stop at position b of `other` is reached in time from position a of `route` (a necessary condition for 2-opt*). */
function crossable(route: SearchRoute, a: number, other: SearchRoute, b: number): boolean {
  const problem = route.problem;
  const durations = problem.types[problem.vehicleType[route.vehicle]!]!.durations;
  const arrival = route.departEarliest[a]! + durations[route.location[a]! * problem.locations + other.location[b]!]!;
  return arrival <= other.latest[b]! + problem.taskSetup[other.tasks[b - 1]!]!;
}
