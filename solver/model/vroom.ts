/**
 * The solver's wire format: VROOM's JSON dialect (https://github.com/VROOM-Project/vroom/blob/master/docs/API.md),
 * so VROOM and openrouteservice users can switch without rewriting. Fields marked "Lastmile" are our extensions;
 * every extension has a neutral default so a plain VROOM problem means the same thing here.
 *
 * Units: seconds, metres, [lon, lat]. Matrices may hold non-integer values (Solomon uses unrounded Euclidean).
 */

import type { FlatMatrix } from './matrix-input';

export type { FlatMatrix } from './matrix-input';
export type LonLat = [number, number];
export type TimeWindow = [number, number];

export interface VroomJob {
  id: number;
  description?: string;
  location?: LonLat;
  location_index?: number;
  setup?: number;
  service?: number;
  /** Amount dropped at this job, one entry per capacity dimension. */
  delivery?: number[];
  /** Amount collected at this job. */
  pickup?: number[];
  skills?: number[];
  /** 0–100. */
  priority?: number;
  time_windows?: TimeWindow[];
  /** Lastmile: lateness allowed at this cost per second (soft window). Absent: the window is hard. */
  lateness_cost_per_second?: number;
}

export interface VroomShipmentStep {
  id: number;
  description?: string;
  location?: LonLat;
  location_index?: number;
  setup?: number;
  service?: number;
  time_windows?: TimeWindow[];
}

export interface VroomShipment {
  amount?: number[];
  skills?: number[];
  priority?: number;
  pickup: VroomShipmentStep;
  delivery: VroomShipmentStep;
}

export interface VroomBreak {
  id: number;
  description?: string;
  time_windows?: TimeWindow[];
  service?: number;
  max_load?: number[];
}

export interface VroomVehicleCosts {
  fixed?: number;
  per_hour?: number;
  per_km?: number;
}

/** Lastmile: `reload` is a return to the vehicle's reload place between two trips (see VroomReload). */
export type VroomStepType = 'start' | 'job' | 'pickup' | 'delivery' | 'break' | 'reload' | 'end';

/**
 * Lastmile extension (multi-trip): the vehicle may go back to this place during its shift to unload what it
 * collected and load the deliveries of its next trip, which takes `service` seconds; capacity holds per trip.
 * Where the reloads go in a route is the solver's choice (steps of type `reload`); `max_trips` caps the trips.
 */
export interface VroomReload {
  location?: LonLat;
  location_index?: number;
  service?: number;
  max_trips?: number;
}

export interface VroomVehicleStep {
  type: VroomStepType;
  id?: number;
  service_at?: number;
  service_after?: number;
  service_before?: number;
  /**
   * Lastmile: a locked step stays on this vehicle, in its order relative to the other locked steps.
   * Locked steps at the head of `steps` form a prefix nothing is inserted before (stops done or in progress).
   */
  locked?: boolean;
}

export interface VroomVehicle {
  id: number;
  profile?: string;
  description?: string;
  start?: LonLat;
  start_index?: number;
  end?: LonLat;
  end_index?: number;
  capacity?: number[];
  costs?: VroomVehicleCosts;
  skills?: number[];
  time_window?: TimeWindow;
  breaks?: VroomBreak[];
  speed_factor?: number;
  max_tasks?: number;
  max_travel_time?: number;
  max_distance?: number;
  steps?: VroomVehicleStep[];
  /** Lastmile: multi-trip (see VroomReload). */
  reload?: VroomReload;
}

export interface VroomMatrix {
  durations?: number[][];
  distances?: number[][];
  costs?: number[][];
}

/**
 * `g` is VROOM's; the rest are Lastmile's extensions. `route_cost`: what a route costs — `travel` (VROOM's
 * convention: fixed + travel at per_hour and per_km) or `working_time` (fixed + the time from departure to
 * return, waiting and service included, at per_hour + distance at per_km: what a driver is paid).
 * `minimize`: `cost`, `vehicles` (fewest routes first, then cost) or `balance` (cost plus `balance_weight` × the
 * summed excess of each route's working time beyond 10 % above the average, at the vehicle's per_hour).
 */
export interface VroomOptions {
  g?: boolean;
  route_cost?: RouteCostBasis;
  minimize?: MinimizeGoal;
  balance_weight?: number;
  /** Runs to repeat exactly, as `stats.runs` reported them. */
  replay?: ReplayedRun[];
}

export const routeCostBases = ['travel', 'working_time'] as const;
export type RouteCostBasis = (typeof routeCostBases)[number];
export const minimizeGoals = ['cost', 'vehicles', 'balance'] as const;
export type MinimizeGoal = (typeof minimizeGoals)[number];

export interface VroomProblem {
  jobs?: VroomJob[];
  shipments?: VroomShipment[];
  vehicles: VroomVehicle[];
  /** Keyed by vehicle profile ("car" by default). */
  matrices?: Record<string, VroomMatrix>;
  options?: VroomOptions;
}

/**
 * What the solver, its validation and its checker read: a VroomProblem whose matrices may also come flat, row-major
 * in one typed array (in-process callers: the service's worker threads share them; see matrix-input.ts).
 */
export type VroomInput = Omit<VroomProblem, 'matrices'> & { matrices?: Record<string, VroomInputMatrix> };
export type VroomInputMatrix = { [K in keyof VroomMatrix]?: VroomMatrix[K] | FlatMatrix };

/** Lastmile: one search run, by its seed and the iterations it made (stopped by a time limit or not). */
export interface ReplayedRun {
  seed: number;
  iterations: number;
  /** Minimising vehicles or balance: the iteration its first phase ended at. */
  phase_iterations?: number;
}

export type ViolationCause =
  | 'delay'
  | 'lead_time'
  | 'load'
  | 'max_tasks'
  | 'skills'
  | 'precedence'
  | 'missing_break'
  | 'max_travel_time'
  | 'max_load'
  | 'max_distance';

export interface VroomViolation {
  cause: ViolationCause;
  duration?: number;
}

/** Lastmile: why a task could not be served. */
export type UnassignedReason =
  | 'skills'
  | 'capacity'
  | 'time_window'
  | 'shift'
  | 'max_tasks'
  | 'max_travel_time'
  | 'max_distance'
  | 'unreachable'
  | 'not_profitable';

export interface VroomUnassigned {
  id: number;
  type: 'job' | 'pickup' | 'delivery';
  location?: LonLat;
  location_index?: number;
  description?: string;
  /** Lastmile. */
  reason: UnassignedReason;
  /** Lastmile, with not_profitable: the cost its cheapest feasible insertion would add. */
  cost?: number;
  /** Lastmile: the vehicles (ids) grouped by the constraint that rules the task out on each (not_profitable: where it fits). */
  reasons?: Array<{ reason: UnassignedReason; vehicles: number[] }>;
}

export interface VroomStep {
  type: VroomStepType;
  id?: number;
  description?: string;
  location?: LonLat;
  location_index?: number;
  arrival: number;
  duration: number;
  setup: number;
  service: number;
  waiting_time: number;
  load: number[];
  distance?: number;
  violations: VroomViolation[];
}

export interface VroomRoute {
  vehicle: number;
  description?: string;
  steps: VroomStep[];
  cost: number;
  setup: number;
  service: number;
  duration: number;
  waiting_time: number;
  priority: number;
  delivery: number[];
  pickup: number[];
  distance?: number;
  violations: VroomViolation[];
  geometry?: string;
}

export interface VroomSummary {
  cost: number;
  routes: number;
  unassigned: number;
  setup: number;
  service: number;
  duration: number;
  waiting_time: number;
  priority: number;
  delivery: number[];
  pickup: number[];
  distance?: number;
  violations: VroomViolation[];
  computing_times?: { loading: number; solving: number; routing: number };
}

/** Lastmile: what the search did. */
export interface SolverStats {
  seed: number;
  iterations: number;
  /** Minimising vehicles or balance: the iteration the first phase (fleet, or cost alone) ended at. */
  phase_iterations?: number;
  improvements: number;
  /** Best cost after each improvement, as [iteration, cost]. */
  history?: Array<[number, number]>;
  /** Every run the answer was chosen from (one per seed): pass them as `options.replay` to repeat them exactly. */
  runs?: ReplayedRun[];
}

export interface VroomSolution {
  /** 0 ok, 1 internal error, 2 input error, 3 routing error (VROOM's codes). */
  code: 0 | 1 | 2 | 3;
  error?: string;
  summary: VroomSummary;
  unassigned: VroomUnassigned[];
  routes: VroomRoute[];
  stats?: SolverStats;
}
