import { isFlatMatrix, matrixReader, type MatrixInput, type MatrixReader } from './matrix-input';
import type { MinimizeGoal, RouteCostBasis, TimeWindow, VroomBreak, VroomInput, VroomVehicleStep } from './vroom';

/**
 * The immutable side of the solver: the VROOM problem flattened once into typed arrays.
 *
 * Tasks are numbered 0..taskCount-1: jobs first, then shipment pickups, then shipment deliveries.
 * Locations are matrix indices; index `noLocation` (one past the matrix) is a virtual place at zero
 * distance from everything, used for open routes (a vehicle without start or end); the matrices have its row and
 * column only then.
 */

export const TASK_JOB = 0;
export const TASK_PICKUP = 1;
export const TASK_DELIVERY = 2;

/**
 * A travel matrix, row-major. Float32 when every entry is exact in it (road matrices are integers below 2^24):
 * a 10,000-location matrix then takes 400 MB instead of 800 MB, and nothing is rounded.
 */
export type Matrix = Float32Array | Float64Array;

/** Travel data of one vehicle type (profile, speed factor, per-hour and per-km costs), row-major, size locations². */
export interface TravelType {
  durations: Matrix;
  distances: Matrix;
  costs: Matrix;
}

export interface Problem {
  dimensions: number;
  /** The matrices' stride: their size, plus one for the virtual `noLocation` when some vehicle has no start or end. */
  locations: number;
  noLocation: number;
  hasDistances: boolean;

  taskCount: number;
  jobCount: number;
  shipmentCount: number;
  taskKind: Uint8Array;
  taskId: Float64Array;
  taskLocation: Int32Array;
  taskSetup: Float64Array;
  taskService: Float64Array;
  /** Amount the task adds to the load the vehicle leaves the depot with (job deliveries), stride `dimensions`. */
  taskStartLoad: Float64Array;
  /** Change of load at the task itself (pickup − delivery), stride `dimensions`. */
  taskLoadChange: Float64Array;
  /** VROOM's reported delivery / pickup amounts, stride `dimensions`. */
  taskDelivery: Float64Array;
  taskPickup: Float64Array;
  /** Time windows of task t are windows[2k], windows[2k+1] for k in [twOffset[t], twOffset[t+1]). */
  twOffset: Int32Array;
  windows: Float64Array;
  taskPriority: Float64Array;
  /** The other half of a shipment, or -1. */
  taskPartner: Int32Array;
  /** Cost per second of lateness; 0 means the windows are hard. */
  taskLatenessCost: Float64Array;
  hasSoftWindows: boolean;
  /** allowed[t * vehicleCount + v] = 1 when vehicle v has every skill task t needs. */
  allowed: Uint8Array;

  vehicleCount: number;
  vehicleId: Float64Array;
  vehicleStart: Int32Array;
  vehicleEnd: Int32Array;
  vehicleHasStart: Uint8Array;
  vehicleHasEnd: Uint8Array;
  vehicleShiftStart: Float64Array;
  vehicleShiftEnd: Float64Array;
  /** stride `dimensions`; Infinity when the vehicle declares no capacity. */
  vehicleCapacity: Float64Array;
  vehicleFixedCost: Float64Array;
  vehicleMaxTasks: Float64Array;
  vehicleMaxTravelTime: Float64Array;
  vehicleMaxDistance: Float64Array;
  vehicleType: Int32Array;
  /** Vehicles with the same class are interchangeable when empty (lets the search try one empty route per class). */
  vehicleClass: Int32Array;
  /** Vehicles with the same route class serve any task list alike (same type, places, shift, limits, breaks; steps aside). */
  vehicleRouteClass: Int32Array;
  vehicleBreaks: SolverBreak[][];
  /** Multi-trip: the reload place's matrix index (-1: the vehicle makes one trip), its service seconds, most trips. */
  vehicleReload: Int32Array;
  vehicleReloadService: Float64Array;
  vehicleMaxTrips: Float64Array;
  vehicleSteps: (VroomVehicleStep[] | undefined)[];
  types: TravelType[];
  /** per_hour / 3600: what a second of working time (waiting, service, breaks, travel) costs the vehicle. */
  vehicleCostPerSecond: Float64Array;

  /** options.route_cost: `working_time` adds the hours of a route beyond its travel (see VroomOptions). */
  routeCost: RouteCostBasis;
  minimize: MinimizeGoal;
  /** With minimize `balance`: weight of the routes' working time beyond 10 % above the average. */
  balanceWeight: number;

  /** Task index by external id, to resolve vehicle.steps. */
  jobIndex: Map<number, number>;
  pickupIndex: Map<number, number>;
  deliveryIndex: Map<number, number>;
}

export interface SolverBreak {
  id: number;
  description?: string;
  windows: TimeWindow[];
  service: number;
  maxLoad?: number[];
}

/** Bad input that makes a problem unsolvable; `solve()` turns it into a code 2 answer. */
export class ProblemInputError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ProblemInputError';
  }
}

const DEFAULT_PROFILE = 'car';
/** Balance's default weight: an hour beyond the tolerance costs three hours worked (tuned on the demo day). */
export const DEFAULT_BALANCE_WEIGHT = 3;
const DEFAULT_WINDOW: TimeWindow = [0, Infinity];

interface RawTask {
  kind: number;
  id: number;
  locationIndex: number | undefined;
  path: string;
  setup: number;
  service: number;
  delivery: number[];
  pickup: number[];
  windows: TimeWindow[];
  priority: number;
  skills: number[];
  partner: number;
  latenessCost: number;
}

function finiteNonNegative(value: number | undefined, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) throw new ProblemInputError(path, 'must be a non-negative number');
  return value;
}

function checkWindows(windows: TimeWindow[] | undefined, path: string): TimeWindow[] {
  if (windows === undefined || windows.length === 0) return [DEFAULT_WINDOW];
  if (!Array.isArray(windows)) throw new ProblemInputError(path, 'must be an array of [start, end] pairs');
  const sorted = windows.map((w, i) => {
    if (!Array.isArray(w) || w.length !== 2 || !(w[0] <= w[1]))
      throw new ProblemInputError(`${path}[${i}]`, 'must be [start, end] with start <= end');
    return [w[0], w[1]] as TimeWindow;
  });
  sorted.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]![0] <= sorted[i - 1]![1]) throw new ProblemInputError(path, 'time windows must not overlap');
  return sorted;
}

function amounts(values: number[] | undefined, dimensions: number, path: string): number[] {
  if (values === undefined) return new Array<number>(dimensions).fill(0);
  if (!Array.isArray(values) || values.length !== dimensions)
    throw new ProblemInputError(path, `must have ${dimensions} entries, one per capacity dimension`);
  values.forEach((v, i) => finiteNonNegative(v, 0, `${path}[${i}]`));
  return values;
}

function countDimensions(problem: VroomInput): number {
  const lengths = [
    ...problem.vehicles.map((v) => v.capacity?.length),
    ...(problem.jobs ?? []).flatMap((j) => [j.delivery?.length, j.pickup?.length]),
    ...(problem.shipments ?? []).map((s) => s.amount?.length),
  ].filter((n): n is number => n !== undefined);
  return lengths.length === 0 ? 0 : Math.max(...lengths);
}

/** The matrix `entry(k)` for k in [0, length), float32 while every entry is exact in it, else float64. */
function compactMatrix(length: number, entry: (k: number) => number): Matrix {
  const narrow = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    const value = entry(k);
    narrow[k] = value;
    if (narrow[k] !== value) {
      const wide = new Float64Array(length);
      for (let i = 0; i < length; i++) wide[i] = entry(i);
      return wide;
    }
  }
  return narrow;
}

/** Fills `target` row by row; false at the first entry float32 cannot hold exactly (the caller starts over in float64). */
function fillMatrix(reader: MatrixReader, size: number, target: Matrix, stride: number): boolean {
  for (let i = 0; i < size; i++) {
    const row = reader.row(i)!;
    const base = i * stride;
    for (let j = 0; j < size; j++) {
      const value = row[j];
      // No road (null, NaN flat) or a negative entry: the pair is unreachable.
      const entry = typeof value === 'number' && value >= 0 && value < Infinity ? value : Infinity;
      target[base + j] = entry;
      if (target[base + j] !== entry) return false;
    }
  }
  return true;
}

/** No entry NaN (no road) or negative: the values mean in the model what they say. */
function everyRoad(values: Matrix): boolean {
  for (let k = 0; k < values.length; k++) if (!(values[k]! >= 0)) return false;
  return true;
}

function readMatrix(matrix: MatrixInput | undefined, size: number, path: string, stride: number): Matrix | undefined {
  if (matrix === undefined) return undefined;
  const reader = matrixReader(matrix);
  if (!reader || reader.rows !== size) throw new ProblemInputError(path, `must be a square matrix of size ${size}`);
  for (let i = 0; i < size; i++) if (reader.row(i)?.length !== size) throw new ProblemInputError(`${path}[${i}]`, `must have ${size} entries`);
  // A flat matrix laid out as the model's, with a road between every pair, is read where it lies: at 10,000
  // locations a copy is 400 MB more and half a second of page faults and writes before the first route.
  if (stride === size && isFlatMatrix(matrix) && matrix.size === size && matrix.values.length === size * size && everyRoad(matrix.values)) return matrix.values;
  const narrow = new Float32Array(stride * stride);
  if (fillMatrix(reader, size, narrow, stride)) return narrow;
  const wide = new Float64Array(stride * stride);
  fillMatrix(reader, size, wide, stride);
  return wide;
}

export function buildProblem(input: VroomInput): Problem {
  if (input === null || typeof input !== 'object') throw new ProblemInputError('', 'problem must be an object');
  if (!Array.isArray(input.vehicles) || input.vehicles.length === 0)
    throw new ProblemInputError('vehicles', 'at least one vehicle is required');
  const jobs = input.jobs ?? [];
  const shipments = input.shipments ?? [];
  if (!Array.isArray(jobs)) throw new ProblemInputError('jobs', 'must be an array');
  if (!Array.isArray(shipments)) throw new ProblemInputError('shipments', 'must be an array');
  const dimensions = countDimensions(input);

  const raw: RawTask[] = [];
  const pickups: RawTask[] = [];
  const deliveries: RawTask[] = [];
  jobs.forEach((job, i) => {
    const path = `jobs[${i}]`;
    if (job === null || typeof job !== 'object' || typeof job.id !== 'number') throw new ProblemInputError(`${path}.id`, 'must be a number');
    raw.push({
      kind: TASK_JOB,
      id: job.id,
      locationIndex: job.location_index,
      path,
      setup: finiteNonNegative(job.setup, 0, `${path}.setup`),
      service: finiteNonNegative(job.service, 0, `${path}.service`),
      delivery: amounts(job.delivery, dimensions, `${path}.delivery`),
      pickup: amounts(job.pickup, dimensions, `${path}.pickup`),
      windows: checkWindows(job.time_windows, `${path}.time_windows`),
      priority: finiteNonNegative(job.priority, 0, `${path}.priority`),
      skills: job.skills ?? [],
      partner: -1,
      latenessCost: finiteNonNegative(job.lateness_cost_per_second, 0, `${path}.lateness_cost_per_second`),
    });
  });
  shipments.forEach((shipment, i) => {
    const path = `shipments[${i}]`;
    if (shipment === null || typeof shipment !== 'object' || !shipment.pickup || !shipment.delivery)
      throw new ProblemInputError(path, 'needs a pickup and a delivery');
    const amount = amounts(shipment.amount, dimensions, `${path}.amount`);
    const zero = new Array<number>(dimensions).fill(0);
    const priority = finiteNonNegative(shipment.priority, 0, `${path}.priority`);
    const skills = shipment.skills ?? [];
    for (const [side, step, list] of [
      ['pickup', shipment.pickup, pickups],
      ['delivery', shipment.delivery, deliveries],
    ] as const) {
      const stepPath = `${path}.${side}`;
      if (typeof step.id !== 'number') throw new ProblemInputError(`${stepPath}.id`, 'must be a number');
      list.push({
        kind: side === 'pickup' ? TASK_PICKUP : TASK_DELIVERY,
        id: step.id,
        locationIndex: step.location_index,
        path: stepPath,
        setup: finiteNonNegative(step.setup, 0, `${stepPath}.setup`),
        service: finiteNonNegative(step.service, 0, `${stepPath}.service`),
        delivery: side === 'delivery' ? amount : zero,
        pickup: side === 'pickup' ? amount : zero,
        windows: checkWindows(step.time_windows, `${stepPath}.time_windows`),
        priority,
        skills,
        partner: -1,
        latenessCost: 0,
      });
    }
  });
  const jobCount = raw.length;
  const shipmentCount = pickups.length;
  pickups.forEach((p, i) => (p.partner = jobCount + shipmentCount + i));
  deliveries.forEach((d, i) => (d.partner = jobCount + i));
  raw.push(...pickups, ...deliveries);
  const taskCount = raw.length;

  // Matrices: one per profile; every profile used must have durations.
  const profiles = new Map<string, { size: number }>();
  for (const [i, v] of input.vehicles.entries()) {
    const profile = v.profile ?? DEFAULT_PROFILE;
    const matrix = input.matrices?.[profile];
    if (!matrix?.durations && !matrix?.costs)
      throw new ProblemInputError(`vehicles[${i}].profile`, `no matrix given for profile "${profile}" (matrices.${profile}.durations)`);
    profiles.set(profile, { size: matrixReader(matrix.durations ?? matrix.costs)?.rows ?? 0 });
  }
  const matrixSize = Math.max(...[...profiles.values()].map((p) => p.size));
  // The virtual place of open routes takes a row and a column, only when some vehicle has no start or no end.
  const open = input.vehicles.some((v) => v === null || typeof v !== 'object' || v.start_index === undefined || v.end_index === undefined);
  const locations = open ? matrixSize + 1 : matrixSize;
  const noLocation = matrixSize;

  const checkIndex = (index: number | undefined, path: string): number => {
    if (index === undefined) throw new ProblemInputError(path, 'location_index is required (the solver works on matrices)');
    if (!Number.isInteger(index) || index < 0 || index >= matrixSize)
      throw new ProblemInputError(path, `must be an integer in [0, ${matrixSize - 1}]`);
    return index;
  };

  const base = new Map<string, { durations: Matrix; distances: Matrix; costs: Matrix | undefined; hasDistances: boolean }>();
  for (const profile of profiles.keys()) {
    const matrix = input.matrices![profile]!;
    const readDurations = readMatrix(matrix.durations, matrixSize, `matrices.${profile}.durations`, locations);
    const given = readMatrix(matrix.distances, matrixSize, `matrices.${profile}.distances`, locations);
    const costs = readMatrix(matrix.costs, matrixSize, `matrices.${profile}.costs`, locations);
    // Matrices are never written after this: a profile given costs alone travels by them.
    const durations = readDurations ?? costs!;
    // Without distances every distance is 0; the zero pages are never written, so they take no memory.
    const distances = given ?? new Float32Array(locations * locations);
    base.set(profile, { durations, distances, costs, hasDistances: given !== undefined });
  }

  const types: TravelType[] = [];
  const typeKeys = new Map<string, number>();
  const vehicleCount = input.vehicles.length;
  const vehicleType = new Int32Array(vehicleCount);
  const vehicleClass = new Int32Array(vehicleCount);
  const vehicleRouteClass = new Int32Array(vehicleCount);
  const classKeys = new Map<string, number>();
  const routeClassKeys = new Map<string, number>();
  const vehicleStart = new Int32Array(vehicleCount);
  const vehicleEnd = new Int32Array(vehicleCount);
  const vehicleHasStart = new Uint8Array(vehicleCount);
  const vehicleHasEnd = new Uint8Array(vehicleCount);
  const vehicleShiftStart = new Float64Array(vehicleCount);
  const vehicleShiftEnd = new Float64Array(vehicleCount);
  const vehicleCapacity = new Float64Array(vehicleCount * dimensions);
  const vehicleFixedCost = new Float64Array(vehicleCount);
  const vehicleMaxTasks = new Float64Array(vehicleCount);
  const vehicleMaxTravelTime = new Float64Array(vehicleCount);
  const vehicleMaxDistance = new Float64Array(vehicleCount);
  const vehicleId = new Float64Array(vehicleCount);
  const vehicleCostPerSecond = new Float64Array(vehicleCount);
  const vehicleBreaks: SolverBreak[][] = [];
  const vehicleReload = new Int32Array(vehicleCount).fill(-1);
  const vehicleReloadService = new Float64Array(vehicleCount);
  const vehicleMaxTrips = new Float64Array(vehicleCount).fill(1);
  const vehicleSteps: (VroomVehicleStep[] | undefined)[] = [];
  const vehicleSkills: Set<number>[] = [];
  const seenVehicleIds = new Set<number>();

  input.vehicles.forEach((v, i) => {
    const path = `vehicles[${i}]`;
    if (v === null || typeof v !== 'object' || typeof v.id !== 'number') throw new ProblemInputError(`${path}.id`, 'must be a number');
    if (seenVehicleIds.has(v.id)) throw new ProblemInputError(`${path}.id`, `duplicate vehicle id ${v.id}`);
    seenVehicleIds.add(v.id);
    vehicleId[i] = v.id;
    const profile = v.profile ?? DEFAULT_PROFILE;
    const speed = v.speed_factor ?? 1;
    if (!(speed > 0)) throw new ProblemInputError(`${path}.speed_factor`, 'must be a positive number');
    const perHour = finiteNonNegative(v.costs?.per_hour, 3600, `${path}.costs.per_hour`);
    const perKm = finiteNonNegative(v.costs?.per_km, 0, `${path}.costs.per_km`);
    vehicleCostPerSecond[i] = perHour / 3600;
    const typeKey = `${profile}|${speed}|${perHour}|${perKm}`;
    let type = typeKeys.get(typeKey);
    if (type === undefined) {
      const matrix = base.get(profile)!;
      const size = matrix.durations.length;
      const durations = speed === 1 ? matrix.durations : compactMatrix(size, (k) => matrix.durations[k]! / speed);
      let costs: Matrix;
      if (matrix.costs) costs = matrix.costs;
      else if (perHour === 3600 && perKm === 0) costs = durations;
      else costs = compactMatrix(size, (k) => (perHour * durations[k]!) / 3600 + (perKm * matrix.distances[k]!) / 1000);
      type = types.length;
      types.push({ durations, distances: matrix.distances, costs });
      typeKeys.set(typeKey, type);
    }
    vehicleType[i] = type;
    vehicleHasStart[i] = v.start_index !== undefined ? 1 : 0;
    vehicleHasEnd[i] = v.end_index !== undefined ? 1 : 0;
    if (v.start_index === undefined && v.end_index === undefined)
      throw new ProblemInputError(path, 'needs start_index or end_index (or both)');
    vehicleStart[i] = v.start_index !== undefined ? checkIndex(v.start_index, `${path}.start_index`) : noLocation;
    vehicleEnd[i] = v.end_index !== undefined ? checkIndex(v.end_index, `${path}.end_index`) : noLocation;
    const shift = v.time_window ?? DEFAULT_WINDOW;
    if (!Array.isArray(shift) || shift.length !== 2 || !(shift[0] <= shift[1]))
      throw new ProblemInputError(`${path}.time_window`, 'must be [start, end] with start <= end');
    vehicleShiftStart[i] = shift[0];
    vehicleShiftEnd[i] = shift[1];
    const capacity = v.capacity === undefined ? new Array<number>(dimensions).fill(Infinity) : amounts(v.capacity, dimensions, `${path}.capacity`);
    for (let d = 0; d < dimensions; d++) vehicleCapacity[i * dimensions + d] = capacity[d]!;
    vehicleFixedCost[i] = finiteNonNegative(v.costs?.fixed, 0, `${path}.costs.fixed`);
    vehicleMaxTasks[i] = finiteNonNegative(v.max_tasks, Infinity, `${path}.max_tasks`);
    vehicleMaxTravelTime[i] = finiteNonNegative(v.max_travel_time, Infinity, `${path}.max_travel_time`);
    vehicleMaxDistance[i] = finiteNonNegative(v.max_distance, Infinity, `${path}.max_distance`);
    const breaks = (v.breaks ?? []).map((b: VroomBreak, k) => ({
      id: b.id,
      description: b.description,
      windows: checkWindows(b.time_windows, `${path}.breaks[${k}].time_windows`),
      service: finiteNonNegative(b.service, 0, `${path}.breaks[${k}].service`),
      maxLoad: b.max_load,
    }));
    breaks.sort((a, b) => a.windows[0]![0] - b.windows[0]![0]);
    vehicleBreaks.push(breaks);
    if (v.reload !== undefined) {
      const reload = v.reload;
      if (reload === null || typeof reload !== 'object') throw new ProblemInputError(`${path}.reload`, 'must be an object');
      vehicleReload[i] = checkIndex(reload.location_index, `${path}.reload.location_index`);
      vehicleReloadService[i] = finiteNonNegative(reload.service, 0, `${path}.reload.service`);
      const maxTrips = finiteNonNegative(reload.max_trips, Infinity, `${path}.reload.max_trips`);
      if (maxTrips < 1) throw new ProblemInputError(`${path}.reload.max_trips`, 'must be at least 1');
      vehicleMaxTrips[i] = maxTrips;
    }
    vehicleSteps.push(v.steps);
    vehicleSkills.push(new Set(v.skills ?? []));
    const routeKey = [type, v.start_index, v.end_index, shift, capacity, [...(v.skills ?? [])].sort(), v.costs?.fixed, v.max_tasks, v.max_travel_time, v.max_distance, v.reload];
    const classKey = breaks.length > 0 || v.steps ? `unique:${i}` : JSON.stringify(routeKey);
    let cls = classKeys.get(classKey);
    if (cls === undefined) classKeys.set(classKey, (cls = classKeys.size));
    vehicleClass[i] = cls;
    const routeClassKey = JSON.stringify([...routeKey, breaks.map((brk) => [brk.windows, brk.service, brk.maxLoad])]);
    let routeClass = routeClassKeys.get(routeClassKey);
    if (routeClass === undefined) routeClassKeys.set(routeClassKey, (routeClass = routeClassKeys.size));
    vehicleRouteClass[i] = routeClass;
  });

  const taskKind = new Uint8Array(taskCount);
  const taskId = new Float64Array(taskCount);
  const taskLocation = new Int32Array(taskCount);
  const taskSetup = new Float64Array(taskCount);
  const taskService = new Float64Array(taskCount);
  const taskStartLoad = new Float64Array(taskCount * dimensions);
  const taskLoadChange = new Float64Array(taskCount * dimensions);
  const taskDelivery = new Float64Array(taskCount * dimensions);
  const taskPickup = new Float64Array(taskCount * dimensions);
  const twOffset = new Int32Array(taskCount + 1);
  const taskPriority = new Float64Array(taskCount);
  const taskPartner = new Int32Array(taskCount);
  const taskLatenessCost = new Float64Array(taskCount);
  const allowed = new Uint8Array(taskCount * vehicleCount);
  const windowList: number[] = [];
  const jobIndex = new Map<number, number>();
  const pickupIndex = new Map<number, number>();
  const deliveryIndex = new Map<number, number>();

  raw.forEach((task, t) => {
    taskKind[t] = task.kind;
    taskId[t] = task.id;
    taskLocation[t] = checkIndex(task.locationIndex, `${task.path}.location_index`);
    taskSetup[t] = task.setup;
    taskService[t] = task.service;
    for (let d = 0; d < dimensions; d++) {
      const k = t * dimensions + d;
      taskDelivery[k] = task.delivery[d]!;
      taskPickup[k] = task.pickup[d]!;
      if (task.kind === TASK_JOB) {
        taskStartLoad[k] = task.delivery[d]!;
        taskLoadChange[k] = task.pickup[d]! - task.delivery[d]!;
      } else {
        taskLoadChange[k] = task.kind === TASK_PICKUP ? task.pickup[d]! : -task.delivery[d]!;
      }
    }
    twOffset[t] = windowList.length / 2;
    for (const [start, end] of task.windows) windowList.push(start, end);
    taskPriority[t] = task.priority;
    taskPartner[t] = task.partner;
    taskLatenessCost[t] = task.latenessCost;
    const index = task.kind === TASK_JOB ? jobIndex : task.kind === TASK_PICKUP ? pickupIndex : deliveryIndex;
    if (index.has(task.id)) throw new ProblemInputError(`${task.path}.id`, `duplicate id ${task.id}`);
    index.set(task.id, t);
    // Most tasks need no skill: 10,000 tasks × 300 vehicles is 3 million checks otherwise.
    if (task.skills.length === 0) allowed.fill(1, t * vehicleCount, (t + 1) * vehicleCount);
    else
      for (let v = 0; v < vehicleCount; v++) {
        const skills = vehicleSkills[v]!;
        allowed[t * vehicleCount + v] = task.skills.every((s) => skills.has(s)) ? 1 : 0;
      }
  });
  twOffset[taskCount] = windowList.length / 2;

  return {
    dimensions,
    locations,
    noLocation,
    hasDistances: [...base.values()].some((m) => m.hasDistances),
    taskCount,
    jobCount,
    shipmentCount,
    taskKind,
    taskId,
    taskLocation,
    taskSetup,
    taskService,
    taskStartLoad,
    taskLoadChange,
    taskDelivery,
    taskPickup,
    twOffset,
    windows: Float64Array.from(windowList),
    taskPriority,
    taskPartner,
    taskLatenessCost,
    hasSoftWindows: taskLatenessCost.some((c) => c > 0),
    allowed,
    vehicleCount,
    vehicleId,
    vehicleStart,
    vehicleEnd,
    vehicleHasStart,
    vehicleHasEnd,
    vehicleShiftStart,
    vehicleShiftEnd,
    vehicleCapacity,
    vehicleFixedCost,
    vehicleMaxTasks,
    vehicleMaxTravelTime,
    vehicleMaxDistance,
    vehicleType,
    vehicleClass,
    vehicleRouteClass,
    vehicleBreaks,
    vehicleReload,
    vehicleReloadService,
    vehicleMaxTrips,
    vehicleSteps,
    types,
    vehicleCostPerSecond,
    routeCost: input.options?.route_cost ?? 'travel',
    minimize: input.options?.minimize ?? 'cost',
    balanceWeight: input.options?.balance_weight ?? DEFAULT_BALANCE_WEIGHT,
    jobIndex,
    pickupIndex,
    deliveryIndex,
  };
}

/** Earliest feasible start at or after `arrival` in task t's windows, or Infinity when every window has closed. */
export function earliestStart(problem: Problem, t: number, arrival: number): number {
  const w = problem.windows;
  for (let k = problem.twOffset[t]!, end = problem.twOffset[t + 1]!; k < end; k++) {
    const close = w[2 * k + 1]!;
    if (arrival <= close) {
      const open = w[2 * k]!;
      return arrival > open ? arrival : open;
    }
  }
  return Infinity;
}

/** Close of the window of task t that `start` lies in (its last window's close when past them all: late). */
export function windowCloseAt(problem: Problem, t: number, start: number): number {
  const w = problem.windows;
  const end = problem.twOffset[t + 1]!;
  for (let k = problem.twOffset[t]!; k < end; k++) if (start <= w[2 * k + 1]!) return w[2 * k + 1]!;
  return w[2 * (end - 1) + 1]!;
}

/** Latest start not after `limit` that lies in one of task t's windows, or -Infinity. */
export function latestStart(problem: Problem, t: number, limit: number): number {
  const w = problem.windows;
  for (let k = problem.twOffset[t + 1]! - 1, first = problem.twOffset[t]!; k >= first; k--) {
    const open = w[2 * k]!;
    if (open <= limit) {
      const close = w[2 * k + 1]!;
      return limit < close ? limit : close;
    }
  }
  return -Infinity;
}

/** End of the task's last window (where lateness is measured for soft windows). */
export function lastWindowEnd(problem: Problem, t: number): number {
  return problem.windows[2 * (problem.twOffset[t + 1]! - 1) + 1]!;
}
