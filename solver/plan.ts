import { stepTask } from './construct/initial';
import { buildProblem, ProblemInputError, TASK_DELIVERY, TASK_JOB, TASK_PICKUP, type Problem } from './model/problem';
import type { VroomInput, VroomRoute, VroomSolution, VroomStep, VroomUnassigned, VroomViolation, SolverStats } from './model/vroom';
import { explainUnassigned, type UnassignedExplanation } from './search/reasons';
import { addViolation, simulateRoute } from './search/schedule';

/**
 * Routes → VROOM solution: every step's arrival, travel so far, waiting, load and violations, from the exact
 * simulation. Plan mode is this alone on the routes given in vehicle.steps (nothing reordered); the optimizer
 * uses it to report the routes it found.
 */

const STEP_TYPE = { [TASK_JOB]: 'job', [TASK_PICKUP]: 'pickup', [TASK_DELIVERY]: 'delivery' } as const;

function addAll(target: VroomViolation[], source: VroomViolation[]): void {
  for (const violation of source) addViolation(target, violation.cause, violation.duration);
}

function sum(values: number[], add: ArrayLike<number>, offset: number): void {
  for (let d = 0; d < values.length; d++) values[d]! += add[offset + d]!;
}

function taskInput(input: VroomInput, problem: Problem, t: number) {
  const kind = problem.taskKind[t];
  if (kind === TASK_JOB) return input.jobs![t]!;
  const s = kind === TASK_PICKUP ? t - problem.jobCount : t - problem.jobCount - problem.shipmentCount;
  const shipment = input.shipments![s]!;
  return kind === TASK_PICKUP ? shipment.pickup : shipment.delivery;
}

export function buildSolution(
  problem: Problem,
  input: VroomInput,
  routes: number[][],
  unassigned: Array<{ task: number } & UnassignedExplanation>,
  stats?: SolverStats,
): VroomSolution {
  const dims = problem.dimensions;
  const withDistance = problem.hasDistances;
  const summaryViolations: VroomViolation[] = [];
  const summary = {
    cost: 0,
    routes: 0,
    unassigned: unassigned.length,
    setup: 0,
    service: 0,
    duration: 0,
    waiting_time: 0,
    priority: 0,
    delivery: new Array<number>(dims).fill(0),
    pickup: new Array<number>(dims).fill(0),
    ...(withDistance ? { distance: 0 } : {}),
    violations: summaryViolations,
  };
  const vroomRoutes: VroomRoute[] = [];
  routes.forEach((tasks, v) => {
    if (tasks.length === 0) return;
    const schedule = simulateRoute(problem, v, tasks, tasks.length, true);
    const vehicle = input.vehicles[v]!;
    const delivery = new Array<number>(dims).fill(0);
    const pickup = new Array<number>(dims).fill(0);
    let priority = 0;
    const steps: VroomStep[] = [];
    for (const s of schedule.steps) {
      if (s.kind === 'start' && !problem.vehicleHasStart[v]) continue;
      if (s.kind === 'end' && !problem.vehicleHasEnd[v]) continue;
      // Built field by field in the order of the output, never spread: spreading steps of several shapes was
      // the slow path of object cloning, 5 µs a step (50 ms of a 10,000-stop answer).
      const step = { type: s.kind === 'task' ? STEP_TYPE[problem.taskKind[s.index] as 0 | 1 | 2] : s.kind } as VroomStep;
      if (s.kind === 'task') {
        const task = taskInput(input, problem, s.index);
        step.id = task.id;
        if (task.description !== undefined) step.description = task.description;
        if (task.location !== undefined) step.location = task.location;
        sum(delivery, problem.taskDelivery, s.index * dims);
        sum(pickup, problem.taskPickup, s.index * dims);
        if (problem.taskKind[s.index] !== TASK_DELIVERY) priority += problem.taskPriority[s.index]!;
      } else if (s.kind === 'break') {
        const brk = problem.vehicleBreaks[v]![s.index]!;
        step.id = brk.id;
        if (brk.description !== undefined) step.description = brk.description;
      } else if (s.kind === 'reload') {
        if (vehicle.reload?.location !== undefined) step.location = vehicle.reload.location;
      } else {
        const location = s.kind === 'start' ? vehicle.start : vehicle.end;
        if (location !== undefined) step.location = location;
      }
      // VROOM gives a break no location of its own (it is taken where the van is).
      if (s.location !== problem.noLocation && s.kind !== 'break') step.location_index = s.location;
      step.arrival = s.arrival;
      step.duration = s.travelDuration;
      step.setup = s.setup;
      step.service = s.service;
      step.waiting_time = s.waiting;
      step.load = s.load;
      step.violations = s.violations;
      if (withDistance) step.distance = s.distance;
      steps.push(step);
    }
    const route: VroomRoute = {
      vehicle: vehicle.id,
      steps,
      cost: schedule.cost - schedule.latenessCost,
      setup: schedule.setup,
      service: schedule.service,
      duration: schedule.travelDuration,
      waiting_time: schedule.waiting,
      priority,
      delivery,
      pickup,
      violations: schedule.violations,
    };
    if (vehicle.description !== undefined) route.description = vehicle.description;
    if (withDistance) route.distance = schedule.distance;
    vroomRoutes.push(route);
    summary.cost += route.cost;
    summary.routes++;
    summary.setup += route.setup;
    summary.service += route.service;
    summary.duration += route.duration;
    summary.waiting_time += route.waiting_time;
    summary.priority += priority;
    for (let d = 0; d < dims; d++) {
      summary.delivery[d]! += delivery[d]!;
      summary.pickup[d]! += pickup[d]!;
    }
    if (withDistance) summary.distance! += schedule.distance;
    addAll(summaryViolations, schedule.violations);
  });

  const vroomUnassigned: VroomUnassigned[] = unassigned.map(({ task, reason, cost, vehicles }) => {
    const source = taskInput(input, problem, task);
    const entry: VroomUnassigned = { id: source.id, type: STEP_TYPE[problem.taskKind[task] as 0 | 1 | 2], reason };
    if (cost !== undefined) entry.cost = Math.round(cost);
    entry.reasons = vehicles.map((group) => ({ reason: group.reason, vehicles: group.vehicles.map((v) => problem.vehicleId[v]!) }));
    if (source.location !== undefined) entry.location = source.location;
    if (source.location_index !== undefined) entry.location_index = source.location_index;
    if (source.description !== undefined) entry.description = source.description;
    return entry;
  });
  const solution: VroomSolution = { code: 0, summary, unassigned: vroomUnassigned, routes: vroomRoutes };
  if (stats) solution.stats = stats;
  return solution;
}

/** Plan mode: the routes in vehicle.steps exactly as given, evaluated; tasks in no route are unassigned. */
export function planRoutes(problem: Problem, input: VroomInput): VroomSolution {
  const routes = problem.vehicleSteps.map((steps, v) =>
    (steps ?? []).map((step, k) => stepTask(problem, step, `vehicles[${v}].steps[${k}]`)).filter((t) => t >= 0),
  );
  const unassigned = unassignedOf(problem, routes);
  const solution = buildSolution(problem, input, routes, unassigned);
  flagServiceTimes(input, solution);
  return solution;
}

/** The dispatcher's service_at / service_after / service_before on steps: early is lead_time, late is delay. */
function flagServiceTimes(input: VroomInput, solution: VroomSolution): void {
  for (const route of solution.routes) {
    const vehicle = input.vehicles.find((v) => v.id === route.vehicle)!;
    for (const planned of vehicle.steps ?? []) {
      const after = planned.service_at ?? planned.service_after;
      const before = planned.service_at ?? planned.service_before;
      if (after === undefined && before === undefined) continue;
      const step = route.steps.find((s) => s.type === planned.type && s.id === planned.id);
      if (!step) continue;
      const start = step.arrival + step.waiting_time;
      const flag = (cause: 'lead_time' | 'delay', duration: number) => {
        for (const list of [step.violations, route.violations, solution.summary.violations]) addViolation(list, cause, duration);
      };
      if (after !== undefined && start < after) flag('lead_time', after - start);
      if (before !== undefined && start > before) flag('delay', start - before);
    }
  }
}

/**
 * Outside plan mode VROOM refuses vehicle `steps` it cannot honour instead of re-planning them: a task the vehicle
 * lacks a skill for or cannot reach in its window on its own, then a route over capacity or otherwise infeasible.
 * Returns VROOM's message, or undefined when every vehicle's steps can be driven as given.
 */
export function vehicleStepsError(input: VroomInput): string | undefined {
  let problem: Problem;
  try {
    problem = buildProblem(input);
  } catch (error) {
    if (error instanceof ProblemInputError) return undefined; // the validation names it
    throw error;
  }
  for (let v = 0; v < problem.vehicleCount; v++) {
    const steps = problem.vehicleSteps[v];
    if (!steps) continue;
    const vehicleId = problem.vehicleId[v]!;
    const tasks = steps.map((step, k) => stepTask(problem, step, `vehicles[${v}].steps[${k}]`)).filter((t) => t >= 0);
    for (const t of tasks) {
      const alone = problem.taskPartner[t]! >= 0 ? (problem.taskKind[t] === TASK_PICKUP ? [t, problem.taskPartner[t]!] : [problem.taskPartner[t]!, t]) : [t];
      if (!problem.allowed[t * problem.vehicleCount + v] || !simulateRoute(problem, v, alone, alone.length, false).feasible) {
        return `Missing skill or step out of reach for vehicle ${vehicleId} and ${STEP_TYPE[problem.taskKind[t] as 0 | 1 | 2]} ${problem.taskId[t]}.`;
      }
    }
    const route = simulateRoute(problem, v, tasks, tasks.length, true);
    if (route.feasible) continue;
    if (route.steps.some((step) => step.violations.some((violation) => violation.cause === 'load'))) return `Route over capacity for vehicle ${vehicleId}.`;
    return `Infeasible route for vehicle ${vehicleId}.`;
  }
  return undefined;
}

/** Every task in none of `routes`, explained (search/reasons.ts). */
export function unassignedOf(problem: Problem, routes: number[][]): Array<{ task: number } & UnassignedExplanation> {
  const placed = new Uint8Array(problem.taskCount);
  for (const tasks of routes) for (const t of tasks) placed[t] = 1;
  const left: number[] = [];
  for (let t = 0; t < problem.taskCount; t++) if (!placed[t]) left.push(t);
  const explanations = explainUnassigned(problem, routes, left);
  return left.map((task) => ({ task, ...explanations.get(task)! }));
}
