/**
 * The independent feasibility checker: re-verifies a solution against its problem from the problem's own
 * matrices and the solution's step sequence. It shares no code with the search (only the wire types and the reader of
 * the input's matrices, rows or flat), so a bug in the solver's bookkeeping cannot hide itself here.
 *
 * The reported schedule is checked as given: a step may not arrive before the previous step's departure plus
 * travel, service starts at arrival + waiting_time and must fall in one of the task's windows, and the route
 * must keep to the vehicle's time window. Setup applies only when the vehicle changes location (as VROOM).
 * Multi-trip (a vehicle with `reload`): each `reload` step is at the vehicle's reload place and lasts its service;
 * there the van unloads what its jobs collected and loads the next trip's deliveries, so capacity holds per trip.
 */
import { matrixReader, type MatrixReader } from './model/matrix-input';
import type { TimeWindow, VroomInput, VroomRoute, VroomSolution, VroomStep, VroomVehicle } from './model/vroom';

export interface CheckIssue {
  code: CheckIssueCode;
  /** Vehicle id. */
  vehicle?: number;
  /** Task id (job, pickup or delivery id). */
  job?: number;
  /** Index into the route's steps. */
  step?: number;
  message: string;
}

export type CheckIssueCode =
  | 'solver_error'
  | 'unknown_vehicle'
  | 'duplicate_vehicle'
  | 'route_shape'
  | 'unknown_task'
  | 'duplicate_task'
  | 'missing_task'
  | 'location_mismatch'
  | 'service_mismatch'
  | 'schedule'
  | 'time_window'
  | 'shift'
  | 'skills'
  | 'capacity'
  | 'load_mismatch'
  | 'break'
  | 'missing_break'
  | 'reload'
  | 'max_tasks'
  | 'max_travel_time'
  | 'max_distance'
  | 'precedence'
  | 'same_vehicle'
  | 'locked_step'
  | 'cost_mismatch'
  | 'distance_mismatch'
  | 'duration_mismatch'
  | 'summary_mismatch';

export interface CheckResult {
  feasible: boolean;
  issues: CheckIssue[];
  /** Total distance recomputed from the distance matrix (0 without one). */
  distance: number;
  /** Total travel time recomputed from the duration matrix. */
  duration: number;
}

type TaskKind = 'job' | 'pickup' | 'delivery';

interface Task {
  kind: TaskKind;
  id: number;
  location?: number;
  setup: number;
  service: number;
  windows: TimeWindow[];
  /** Lateness is allowed (soft windows): only the window's start binds. */
  soft: boolean;
  skills: number[];
  /** Carried from the route start (job deliveries). */
  loadedAtStart: number[];
  /** Load change when served. */
  loadChange: number[];
  /** Picked up by a job: unloaded at the next reload. */
  collected: number[];
  priority: number;
  /** Index of the shipment a pickup or delivery belongs to. */
  shipment?: number;
}

interface Placement {
  vehicle: number;
  step: number;
}

/** Slack for sums of unrounded legs (Solomon's Euclidean distances) against windows, capacities and limits. */
const EPSILON = 1e-6;
const ALWAYS_OPEN: TimeWindow = [-Infinity, Infinity];

export function checkSolution(problem: VroomInput, solution: VroomSolution): CheckResult {
  const issues: CheckIssue[] = [];
  if (solution.code !== 0) {
    const message = `solver returned code ${solution.code}${solution.error ? `: ${solution.error}` : ''}`;
    return { feasible: false, issues: [{ code: 'solver_error', message }], distance: 0, duration: 0 };
  }

  const tasks = indexTasks(problem);
  const vehicles = new Map((problem.vehicles ?? []).map((vehicle) => [vehicle.id, vehicle]));
  const placements = new Map<Task, Placement[]>();
  const usedVehicles = new Set<number>();
  const totals = { distance: 0, duration: 0, cost: 0, priority: 0 };

  for (const route of solution.routes) {
    const vehicle = vehicles.get(route.vehicle);
    if (!vehicle) {
      issues.push({ code: 'unknown_vehicle', vehicle: route.vehicle, message: `route for unknown vehicle ${route.vehicle}` });
      continue;
    }
    if (usedVehicles.has(vehicle.id)) {
      issues.push({ code: 'duplicate_vehicle', vehicle: vehicle.id, message: `vehicle ${vehicle.id} has more than one route` });
    }
    usedVehicles.add(vehicle.id);
    const walked = checkRoute(problem, vehicle, route, tasks, placements, issues);
    totals.distance += walked.distance;
    totals.duration += walked.duration;
    totals.cost += walked.cost;
    totals.priority += walked.priority;
  }

  for (const unassigned of solution.unassigned) {
    const task = tasks.get(unassigned.type, unassigned.id);
    if (!task) {
      issues.push({ code: 'unknown_task', job: unassigned.id, message: `unassigned ${unassigned.type} ${unassigned.id} is not in the problem` });
      continue;
    }
    if (placements.has(task)) {
      issues.push({ code: 'duplicate_task', job: unassigned.id, message: `${unassigned.type} ${unassigned.id} is both assigned and unassigned` });
    }
    place(placements, task, { vehicle: -1, step: -1 });
  }

  for (const task of tasks.all()) {
    const placed = placements.get(task) ?? [];
    const served = placed.filter((place) => place.vehicle !== -1).length;
    if (placed.length === 0) {
      issues.push({ code: 'missing_task', job: task.id, message: `${task.kind} ${task.id} is neither in a route nor unassigned` });
    } else if (served > 1) {
      issues.push({ code: 'duplicate_task', job: task.id, message: `${task.kind} ${task.id} is served ${served} times` });
    } else if (placed.length - served > 1) {
      issues.push({ code: 'duplicate_task', job: task.id, message: `${task.kind} ${task.id} is listed as unassigned more than once` });
    }
  }
  checkShipments(problem, tasks, placements, issues);
  checkLockedSteps(problem, solution, issues);
  checkSummary(solution, totals, issues);

  return { feasible: issues.length === 0, issues, distance: totals.distance, duration: totals.duration };
}

function checkRoute(
  problem: VroomInput,
  vehicle: VroomVehicle,
  route: VroomRoute,
  tasks: TaskIndex,
  placements: Map<Task, Placement[]>,
  issues: CheckIssue[],
): { distance: number; duration: number; cost: number; priority: number } {
  const report = (code: CheckIssueCode, message: string, step?: number, job?: number) =>
    issues.push({ code, vehicle: vehicle.id, ...(step === undefined ? {} : { step }), ...(job === undefined ? {} : { job }), message });

  const matrix = problem.matrices?.[vehicle.profile ?? 'car'] ?? {};
  const speedFactor = vehicle.speed_factor ?? 1;
  // A costs matrix alone stands in for durations (as in the solver's model); null means no road: unreachable.
  const durations = matrixReader(matrix.durations ?? matrix.costs);
  const distances = matrixReader(matrix.distances);
  const costMatrix = matrixReader(matrix.costs);
  const leg = (reader: MatrixReader | undefined, from: number | undefined, to: number | undefined, absent: number) => {
    if (from === undefined || to === undefined) return 0;
    if (!reader) return absent;
    const value = reader.entry(from, to);
    return typeof value === 'number' && !reader.noRoad(value) ? value : Infinity;
  };
  const travelSeconds = (from: number | undefined, to: number | undefined) => leg(durations, from, to, NaN) / speedFactor;
  const travelMeters = (from: number | undefined, to: number | undefined) => leg(distances, from, to, 0);
  const travelCost = (from: number | undefined, to: number | undefined) => leg(costMatrix, from, to, 0);

  const steps = route.steps;
  const stepTasks = steps.map((step, index) => {
    if (step.type === 'start' || step.type === 'end' || step.type === 'break' || step.type === 'reload') return undefined;
    const task = tasks.get(step.type, step.id);
    if (!task) {
      report('unknown_task', `step ${index} is ${step.type} ${step.id}, which is not in the problem`, index, step.id);
      return undefined;
    }
    place(placements, task, { vehicle: vehicle.id, step: index });
    return task;
  });
  checkShape(vehicle, steps, report);

  const capacity = vehicle.capacity ?? [];
  const dimensions = Math.max(capacity.length, ...stepTasks.map((task) => task?.loadChange.length ?? 0));
  const load = new Array<number>(dimensions).fill(0);
  /** What the van loads for the trip that starts at step `from`: the deliveries of its jobs up to the next reload. */
  const loadTrip = (from: number) => {
    for (let k = from; k < steps.length && (k === from || steps[k]!.type !== 'reload'); k++)
      stepTasks[k]?.loadedAtStart.forEach((amount, dimension) => (load[dimension]! += amount));
  };
  loadTrip(0);
  // Collected by jobs on the current trip: unloaded at the next reload.
  const collected = new Array<number>(dimensions).fill(0);
  const reload = vehicle.reload;
  let trips = 1;
  const capacityReported = new Set<number>();
  const checkCapacity = (index: number) => {
    load.forEach((amount, dimension) => {
      const limit = capacity[dimension] ?? Infinity;
      if (amount > limit + EPSILON && !capacityReported.has(dimension)) {
        capacityReported.add(dimension);
        report('capacity', `load ${amount} exceeds capacity ${limit} in dimension ${dimension} at step ${index}`, index);
      }
    });
  };

  const vehicleSkills = new Set(vehicle.skills ?? []);
  const [shiftStart, shiftEnd] = vehicle.time_window ?? ALWAYS_OPEN;
  const breaks = new Map((vehicle.breaks ?? []).map((rest) => [rest.id, rest]));
  const breaksTaken = new Set<number>();
  checkCapacity(0);
  let location: number | undefined = steps[0]?.type === 'start' ? vehicle.start_index : undefined;
  let departure = -Infinity;
  let distance = 0;
  let duration = 0;
  let cost = 0;
  let priority = 0;
  let taskCount = 0;
  let travelReported = false;

  steps.forEach((step, index) => {
    const task = stepTasks[index];
    const stepLocation =
      step.type === 'start'
        ? vehicle.start_index
        : step.type === 'end'
          ? vehicle.end_index
          : step.type === 'break'
            ? location
            : step.type === 'reload'
              ? (reload?.location_index ?? step.location_index)
              : task?.location;
    if (step.location_index !== undefined && stepLocation !== undefined && step.location_index !== stepLocation) {
      report('location_mismatch', `step ${index} reports location ${step.location_index}, expected ${stepLocation}`, index, step.id);
    }
    const legSeconds = travelSeconds(location, stepLocation);
    distance += travelMeters(location, stepLocation);
    duration += legSeconds;
    cost += travelCost(location, stepLocation);
    // Each step reports the travel so far; only the first drift in a route is worth a line.
    if (!travelReported && !close(step.duration, duration)) {
      travelReported = true;
      report('duration_mismatch', `step ${index} reports ${step.duration} s travelled so far, expected ${duration}`, index, step.id);
    }
    if (!travelReported && step.distance !== undefined && !close(step.distance, distance)) {
      travelReported = true;
      report('distance_mismatch', `step ${index} reports ${step.distance} m travelled so far, expected ${distance}`, index, step.id);
    }
    const moved = location !== stepLocation;
    location = stepLocation ?? location;

    const earliestArrival = departure + legSeconds;
    if (step.arrival < earliestArrival - EPSILON) {
      report('schedule', `step ${index} arrives at ${step.arrival}, but cannot before ${earliestArrival}`, index, step.id);
    }
    if (!(step.waiting_time >= 0)) report('schedule', `step ${index} has negative waiting time ${step.waiting_time}`, index, step.id);
    const serviceStart = step.arrival + step.waiting_time;
    departure = serviceStart + step.setup + step.service;

    if (step.type === 'start') {
      if (step.arrival < shiftStart - EPSILON) report('shift', `route starts at ${step.arrival}, before the vehicle's ${shiftStart}`, index);
      if (vehicle.start_index === undefined) location = undefined;
    } else if (step.type === 'end') {
      if (step.arrival > shiftEnd + EPSILON) report('shift', `route ends at ${step.arrival}, after the vehicle's ${shiftEnd}`, index);
    } else if (step.type === 'break') {
      const rest = step.id === undefined ? undefined : breaks.get(step.id);
      if (!rest) {
        report('break', `step ${index} is break ${step.id}, which vehicle ${vehicle.id} does not have`, index);
        return;
      }
      if (breaksTaken.has(rest.id)) report('break', `break ${rest.id} is taken twice`, index);
      breaksTaken.add(rest.id);
      if (!inSomeWindow(serviceStart, rest.time_windows ?? [ALWAYS_OPEN], false)) {
        report('break', `break ${rest.id} starts at ${serviceStart}, outside its time windows`, index);
      }
      if (step.service !== (rest.service ?? 0)) report('service_mismatch', `break ${rest.id} lasts ${step.service}, expected ${rest.service ?? 0}`, index);
      rest.max_load?.forEach((limit, dimension) => {
        if ((load[dimension] ?? 0) > limit) report('break', `load ${load[dimension]} during break ${rest.id} exceeds its max_load ${limit}`, index);
      });
    } else if (step.type === 'reload') {
      trips += 1;
      if (!reload) report('reload', `step ${index} reloads, but vehicle ${vehicle.id} has no reload place`, index);
      else if (reload.max_trips !== undefined && trips > reload.max_trips) report('reload', `trip ${trips} exceeds max_trips ${reload.max_trips}`, index);
      if (step.service !== (reload?.service ?? 0)) report('service_mismatch', `reload at step ${index} lasts ${step.service}, expected ${reload?.service ?? 0}`, index);
      load.forEach((amount, dimension) => (load[dimension] = amount - collected[dimension]!));
      collected.fill(0);
      loadTrip(index);
    } else if (task) {
      taskCount += 1;
      priority += task.priority;
      const expectedSetup = moved || index === 0 ? task.setup : 0;
      if (step.service !== task.service || step.setup !== expectedSetup) {
        report(
          'service_mismatch',
          `${task.kind} ${task.id} reports setup ${step.setup} + service ${step.service}, expected ${expectedSetup} + ${task.service}`,
          index,
          task.id,
        );
      }
      if (!inSomeWindow(serviceStart, task.windows, task.soft)) {
        report('time_window', `${task.kind} ${task.id} starts service at ${serviceStart}, outside ${JSON.stringify(task.windows)}`, index, task.id);
      }
      const missingSkills = task.skills.filter((skill) => !vehicleSkills.has(skill));
      if (missingSkills.length > 0) {
        report('skills', `${task.kind} ${task.id} needs skills ${missingSkills.join(', ')} that vehicle ${vehicle.id} lacks`, index, task.id);
      }
      task.loadChange.forEach((change, dimension) => (load[dimension]! += change));
      if (task.kind === 'job') task.collected.forEach((amount, dimension) => (collected[dimension]! += amount));
    }

    checkCapacity(index);
    // VROOM leaves `load` out when the problem has no capacity dimension.
    const reported = (step.load as number[] | undefined) ?? [];
    if (reported.length > 0 && load.some((amount, dimension) => Math.abs(amount - (reported[dimension] ?? 0)) > EPSILON)) {
      report('load_mismatch', `step ${index} reports load [${reported}], expected [${load}]`, index, step.id);
    }
  });

  const last = steps.at(-1);
  if (last && last.type !== 'end' && departure > shiftEnd + EPSILON) {
    report('shift', `route ends at ${departure}, after the vehicle's ${shiftEnd}`, steps.length - 1);
  }
  if (taskCount > 0) {
    for (const rest of vehicle.breaks ?? []) {
      if (!breaksTaken.has(rest.id)) report('missing_break', `break ${rest.id} is not scheduled`);
    }
  }
  if (vehicle.max_tasks !== undefined && taskCount > vehicle.max_tasks) {
    report('max_tasks', `${taskCount} tasks exceed max_tasks ${vehicle.max_tasks}`);
  }
  if (vehicle.max_travel_time !== undefined && duration > vehicle.max_travel_time + EPSILON) {
    report('max_travel_time', `travel time ${duration} exceeds max_travel_time ${vehicle.max_travel_time}`);
  }
  if (vehicle.max_distance !== undefined && distance > vehicle.max_distance + EPSILON) {
    report('max_distance', `distance ${distance} exceeds max_distance ${vehicle.max_distance}`);
  }

  const costs = vehicle.costs ?? {};
  const perHour = costs.per_hour ?? 3600;
  let routeCost = (costs.fixed ?? 0) + (matrix.costs ? cost : (perHour * duration) / 3600 + ((costs.per_km ?? 0) * distance) / 1000);
  if (problem.options?.route_cost === 'working_time' && steps.length > 0) {
    // Paid from departure to return: the time beyond travel (service, breaks, waiting) at per_hour.
    const returned = last!.type === 'end' ? last!.arrival : departure;
    routeCost += (perHour * (returned - steps[0]!.arrival - duration)) / 3600;
  }
  if (!close(route.cost, routeCost)) report('cost_mismatch', `route cost ${route.cost} differs from the recomputed ${routeCost}`);
  if (route.distance !== undefined && !close(route.distance, distance)) {
    report('distance_mismatch', `route distance ${route.distance} differs from the recomputed ${distance}`);
  }
  if (!close(route.duration, duration)) report('duration_mismatch', `route duration ${route.duration} differs from the recomputed travel time ${duration}`);
  if (route.priority !== priority) report('summary_mismatch', `route priority ${route.priority} differs from the recomputed ${priority}`);

  return { distance, duration, cost: routeCost, priority };
}

/** start first, end last, each at most once, and present when the vehicle has that location. */
function checkShape(vehicle: VroomVehicle, steps: VroomStep[], report: (code: CheckIssueCode, message: string, step?: number) => void) {
  steps.forEach((step, index) => {
    if (step.type === 'start' && index !== 0) report('route_shape', `start step at position ${index}, expected first`, index);
    if (step.type === 'end' && index !== steps.length - 1) report('route_shape', `end step at position ${index}, expected last`, index);
  });
  if (vehicle.start_index !== undefined && steps[0]?.type !== 'start') report('route_shape', `route of vehicle ${vehicle.id} has no start step`);
  if (vehicle.end_index !== undefined && steps.at(-1)?.type !== 'end') report('route_shape', `route of vehicle ${vehicle.id} has no end step`);
}

function checkShipments(problem: VroomInput, tasks: TaskIndex, placements: Map<Task, Placement[]>, issues: CheckIssue[]) {
  for (const shipment of problem.shipments ?? []) {
    const pickupTask = tasks.get('pickup', shipment.pickup.id);
    const deliveryTask = tasks.get('delivery', shipment.delivery.id);
    const pickup = pickupTask && placements.get(pickupTask)?.[0];
    const delivery = deliveryTask && placements.get(deliveryTask)?.[0];
    const pickupServed = pickup !== undefined && pickup.vehicle !== -1;
    const deliveryServed = delivery !== undefined && delivery.vehicle !== -1;
    if (pickupServed !== deliveryServed) {
      issues.push({
        code: 'same_vehicle',
        job: shipment.pickup.id,
        message: `shipment ${shipment.pickup.id}→${shipment.delivery.id}: only the ${pickupServed ? 'pickup' : 'delivery'} is served`,
      });
    } else if (pickupServed && deliveryServed) {
      if (pickup.vehicle !== delivery.vehicle) {
        issues.push({
          code: 'same_vehicle',
          job: shipment.pickup.id,
          message: `shipment ${shipment.pickup.id}→${shipment.delivery.id}: pickup on vehicle ${pickup.vehicle}, delivery on ${delivery.vehicle}`,
        });
      } else if (pickup.step > delivery.step) {
        issues.push({
          code: 'precedence',
          vehicle: pickup.vehicle,
          job: shipment.pickup.id,
          step: delivery.step,
          message: `shipment ${shipment.pickup.id}→${shipment.delivery.id}: delivery (step ${delivery.step}) before pickup (step ${pickup.step})`,
        });
      }
    }
  }
}

/** Locked steps stay on their vehicle in their order; a locked head of `steps` is served first. */
function checkLockedSteps(problem: VroomInput, solution: VroomSolution, issues: CheckIssue[]) {
  for (const vehicle of problem.vehicles ?? []) {
    const locked = (vehicle.steps ?? []).filter((step) => step.locked && step.type !== 'start' && step.type !== 'end');
    if (locked.length === 0) continue;
    const served = (solution.routes.find((route) => route.vehicle === vehicle.id)?.steps ?? []).filter(
      (step) => step.type !== 'start' && step.type !== 'end',
    );
    const positions = locked.map((want) => served.findIndex((step) => step.type === want.type && step.id === want.id));
    positions.forEach((position, index) => {
      const want = locked[index]!;
      if (position === -1) {
        issues.push({ code: 'locked_step', vehicle: vehicle.id, job: want.id, message: `locked ${want.type} ${want.id} is not on vehicle ${vehicle.id}` });
      } else if (index > 0 && position < positions[index - 1]!) {
        issues.push({ code: 'locked_step', vehicle: vehicle.id, job: want.id, message: `locked ${want.type} ${want.id} is served out of its locked order` });
      }
    });
    const headLength = (vehicle.steps ?? []).filter((step) => step.type !== 'start' && step.type !== 'end').findIndex((step) => !step.locked);
    const head = headLength === -1 ? locked : locked.slice(0, headLength);
    head.forEach((want, index) => {
      const position = positions[index]!;
      if (position !== -1 && position !== index) {
        issues.push({
          code: 'locked_step',
          vehicle: vehicle.id,
          job: want.id,
          message: `locked ${want.type} ${want.id} heads the route at position ${index}, but is served at ${position}`,
        });
      }
    });
  }
}

function checkSummary(solution: VroomSolution, totals: { distance: number; duration: number; cost: number; priority: number }, issues: CheckIssue[]) {
  const { summary } = solution;
  const mismatch = (field: string, reported: number, expected: number) =>
    issues.push({ code: 'summary_mismatch', message: `summary ${field} ${reported} differs from the recomputed ${expected}` });
  if (!close(summary.cost, totals.cost)) issues.push({ code: 'cost_mismatch', message: `summary cost ${summary.cost} differs from the recomputed ${totals.cost}` });
  if (summary.distance !== undefined && !close(summary.distance, totals.distance)) {
    issues.push({ code: 'distance_mismatch', message: `summary distance ${summary.distance} differs from the recomputed ${totals.distance}` });
  }
  if (!close(summary.duration, totals.duration)) {
    issues.push({ code: 'duration_mismatch', message: `summary duration ${summary.duration} differs from the recomputed ${totals.duration}` });
  }
  if (summary.routes !== solution.routes.length) mismatch('routes', summary.routes, solution.routes.length);
  if (summary.unassigned !== solution.unassigned.length) mismatch('unassigned', summary.unassigned, solution.unassigned.length);
  if (summary.priority !== totals.priority) mismatch('priority', summary.priority, totals.priority);
}

/** The problem's tasks by kind and id (numbers, not "kind:id" strings: a lookup per step of 10,000-stop answers). */
class TaskIndex {
  /** Position in `ordered` by kind and id. */
  private readonly byKind: Record<TaskKind, Map<number, number>> = { job: new Map(), pickup: new Map(), delivery: new Map() };
  /** In the problem's order; a repeated id keeps its first place, with the last definition (as one map would). */
  private readonly ordered: Task[] = [];

  set(task: Task): void {
    const byId = this.byKind[task.kind];
    const position = byId.get(task.id);
    if (position !== undefined) this.ordered[position] = task;
    else byId.set(task.id, this.ordered.push(task) - 1);
  }

  get(kind: string, id: number | undefined): Task | undefined {
    const position = kind === 'job' || kind === 'pickup' || kind === 'delivery' ? this.byKind[kind].get(id as number) : undefined;
    return position === undefined ? undefined : this.ordered[position];
  }

  all(): readonly Task[] {
    return this.ordered;
  }
}

function place(placements: Map<Task, Placement[]>, task: Task, placement: Placement): void {
  const placed = placements.get(task);
  if (placed) placed.push(placement);
  else placements.set(task, [placement]);
}

function indexTasks(problem: VroomInput): TaskIndex {
  const tasks = new TaskIndex();
  for (const job of problem.jobs ?? []) {
    const delivery = job.delivery ?? [];
    const pickup = job.pickup ?? [];
    const dimensions = Math.max(delivery.length, pickup.length);
    tasks.set({
      kind: 'job',
      id: job.id,
      location: job.location_index,
      setup: job.setup ?? 0,
      service: job.service ?? 0,
      windows: job.time_windows ?? [ALWAYS_OPEN],
      soft: job.lateness_cost_per_second !== undefined,
      skills: job.skills ?? [],
      loadedAtStart: delivery,
      loadChange: Array.from({ length: dimensions }, (_, dimension) => (pickup[dimension] ?? 0) - (delivery[dimension] ?? 0)),
      collected: pickup,
      priority: job.priority ?? 0,
    });
  }
  (problem.shipments ?? []).forEach((shipment, index) => {
    const amount = shipment.amount ?? [];
    for (const kind of ['pickup', 'delivery'] as const) {
      const step = shipment[kind];
      tasks.set({
        kind,
        id: step.id,
        location: step.location_index,
        setup: step.setup ?? 0,
        service: step.service ?? 0,
        windows: step.time_windows ?? [ALWAYS_OPEN],
        soft: false,
        skills: shipment.skills ?? [],
        loadedAtStart: [],
        loadChange: amount.map((value) => (kind === 'pickup' ? value : -value)),
        collected: [],
        priority: kind === 'pickup' ? (shipment.priority ?? 0) : 0,
        shipment: index,
      });
    }
  });
  return tasks;
}

function inSomeWindow(time: number, windows: TimeWindow[], soft: boolean): boolean {
  return windows.some(([start, end]) => time >= start - EPSILON && (soft || time <= end + EPSILON));
}

/** Reported totals may be rounded by the writer; sums of unrounded legs drift in the last digits. */
function close(reported: number, expected: number): boolean {
  return Math.abs(reported - expected) <= 1e-3 + 1e-9 * Math.abs(expected);
}
