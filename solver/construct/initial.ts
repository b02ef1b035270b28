import { ProblemInputError, TASK_DELIVERY, TASK_PICKUP, type Problem } from '../model/problem';
import type { Rng } from '../model/rng';
import type { VroomVehicleStep } from '../model/vroom';
import { recreate, type InsertionOrder } from '../search/recreate';
import { simulateRoute } from '../search/schedule';
import { SearchSolution } from '../search/solution';

/** Task index a vehicle step refers to, or -1 for start / end / break. Unknown ids are input errors. */
export function stepTask(problem: Problem, step: VroomVehicleStep, path: string): number {
  // Breaks and reloads are placed by the schedule, not by the step list.
  if (step.type === 'start' || step.type === 'end' || step.type === 'break' || step.type === 'reload') return -1;
  const index = step.type === 'job' ? problem.jobIndex : step.type === 'pickup' ? problem.pickupIndex : problem.deliveryIndex;
  const t = step.id === undefined ? undefined : index.get(step.id);
  if (t === undefined) throw new ProblemInputError(`${path}.id`, `no ${step.type} with id ${step.id}`);
  return t;
}

/** Farthest first builds the best first routes (tried against random, demand and closest first). */
const INITIAL_ORDER: InsertionOrder = 'far';
/** From this many tasks on, the first solution is built with granular insertion. */
const GRANULAR_CONSTRUCTION_TASKS = 2000;
const CONSTRUCTION_GRANULARITY = 40;

export interface InitialSolution {
  solution: SearchSolution;
  /** locked[t] = 1: task t stays on its vehicle, in order (vehicle.steps with locked: true). */
  locked: Uint8Array;
  /** servable[t] = 1 when some vehicle can serve task t (with its shipment partner) on an otherwise empty route, breaks aside. */
  servable: Uint8Array;
}

/**
 * Tasks no vehicle can serve even alone are left out of the search from the start: trying them again is wasted work.
 * Breaks are left out of that test: a break that makes a lone stop late may fit in the wait at another stop.
 */
export function servableTasks(problem: Problem): Uint8Array {
  const servable = new Uint8Array(problem.taskCount);
  const representatives = new Map<number, number>();
  for (let v = 0; v < problem.vehicleCount; v++) if (!representatives.has(problem.vehicleClass[v]!)) representatives.set(problem.vehicleClass[v]!, v);
  const tasks = new Int32Array(2);
  for (let t = 0; t < problem.taskCount; t++) {
    if (problem.taskKind[t] === TASK_DELIVERY) continue;
    const partner = problem.taskPartner[t]!;
    tasks[0] = t;
    tasks[1] = partner;
    const length = problem.taskKind[t] === TASK_PICKUP ? 2 : 1;
    for (const v of representatives.values()) {
      if (!problem.allowed[t * problem.vehicleCount + v] || (length === 2 && !problem.allowed[partner * problem.vehicleCount + v])) continue;
      if (simulateRoute(problem, v, tasks, length, false, false).feasible) {
        servable[t] = 1;
        if (length === 2) servable[partner] = 1;
        break;
      }
    }
  }
  return servable;
}

/**
 * Starting point of the search: the routes given in vehicle.steps (locked steps always kept, even late; the
 * others kept while they fit), then every other task by greedy insertion (granular on large problems).
 */
export function buildInitialSolution(problem: Problem, rng: Rng, neighbors?: Int32Array[]): InitialSolution {
  const solution = new SearchSolution(problem);
  const locked = new Uint8Array(problem.taskCount);
  const placed = new Uint8Array(problem.taskCount);
  problem.vehicleSteps.forEach((steps, v) => {
    if (!steps) return;
    const route = solution.routes[v]!;
    let prefixOpen = true;
    steps.forEach((step, k) => {
      const t = stepTask(problem, step, `vehicles[${v}].steps[${k}]`);
      if (t < 0) return;
      if (placed[t]) throw new ProblemInputError(`vehicles[${v}].steps[${k}].id`, `task ${step.type} ${step.id} appears in more than one step`);
      placed[t] = 1;
      if (step.locked) {
        locked[t] = 1;
        route.tasks.push(t);
        if (prefixOpen) route.lockedPrefix = route.tasks.length;
        route.update();
        return;
      }
      prefixOpen = false;
      // A seed step is kept while it fits; else it is planned like any other task.
      if (!problem.allowed[t * problem.vehicleCount + v] || route.insertionDelta(t, route.length + 1) === Infinity) return;
      route.tasks.push(t);
      route.update();
    });
  });
  solution.refresh();
  const rest: number[] = [];
  for (let t = 0; t < problem.taskCount; t++) {
    if (solution.routeOf[t]! >= 0) continue;
    // A shipment half seeded without its partner is reinserted as a pair.
    const partner = problem.taskPartner[t]!;
    if (partner >= 0 && solution.routeOf[partner]! >= 0 && !locked[partner]) {
      const route = solution.routes[solution.routeOf[partner]!]!;
      route.tasks = route.tasks.filter((x) => x !== partner);
      solution.routeOf[partner] = -1;
      route.update();
      rest.push(partner);
    }
    rest.push(t);
  }
  const servable = servableTasks(problem);
  const pending = [...new Set(rest)].filter((t) => {
    if (!servable[t]) solution.unassigned.push(t);
    return servable[t];
  });
  // Large problems insert next to the nearest tasks already placed (or into a fresh route) before trying
  // every position of every route: the construction stays near-linear instead of quadratic.
  const granular = neighbors !== undefined && problem.taskCount >= GRANULAR_CONSTRUCTION_TASKS;
  recreate(solution, pending, rng, 0, new Set(), granular ? neighbors : undefined, granular ? CONSTRUCTION_GRANULARITY : 0, INITIAL_ORDER);
  return { solution, locked, servable };
}
