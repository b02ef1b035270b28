/**
 * Validation of a problem in VROOM's JSON dialect. Bad input is data: every issue comes back with a code,
 * the path of the offending field ("jobs[3].time_windows[0]") and a message saying what is expected,
 * so a caller can fix everything in one round instead of one error at a time.
 */

import { matrixReader } from './model/matrix-input';
import { minimizeGoals, routeCostBases } from './model/vroom';

export interface ValidationIssue {
  code: ValidationCode;
  path: string;
  message: string;
}

export type ValidationCode =
  | 'invalid_type'
  | 'missing_field'
  | 'invalid_value'
  | 'duplicate_id'
  | 'missing_matrix'
  | 'matrix_shape'
  | 'matrix_value'
  | 'index_out_of_range'
  | 'dimension_mismatch'
  | 'invalid_time_window'
  | 'unknown_step'
  | 'duplicate_step'
  | 'unknown_key'
  | 'too_many_issues';

export interface ValidateOptions {
  /**
   * vroom: VROOM 1.14's own input rules on top (the HTTP endpoint and the CLI's VROOM files): every key must be
   * one of VROOM's (or a Lastmile extension), durations, amounts and matrix entries are integers, speed_factor
   * is at most 5, and amounts need vehicle capacities of the same length. Without it (Solomon, planning inputs)
   * matrices may hold unrounded values.
   */
  dialect?: 'vroom';
}

/**
 * The keys VROOM 1.14's API document defines, per object (its deprecated `amount` on jobs and top-level `matrix`
 * are rewritten by normalizeVroomInput before validation), plus Lastmile's extensions and openrouteservice's `options`.
 */
export const VROOM_KEYS = {
  problem: ['jobs', 'shipments', 'vehicles', 'matrices', 'options'],
  job: ['id', 'description', 'location', 'location_index', 'setup', 'service', 'delivery', 'pickup', 'skills', 'priority', 'time_windows', 'lateness_cost_per_second'],
  shipment: ['pickup', 'delivery', 'amount', 'skills', 'priority'],
  shipmentStep: ['id', 'description', 'location', 'location_index', 'setup', 'service', 'time_windows'],
  vehicle: [
    'id', 'profile', 'description', 'start', 'start_index', 'end', 'end_index', 'capacity', 'costs', 'skills', 'time_window',
    'breaks', 'speed_factor', 'max_tasks', 'max_travel_time', 'max_distance', 'steps', 'reload',
  ],
  reload: ['location', 'location_index', 'service', 'max_trips'],
  costs: ['fixed', 'per_hour', 'per_km'],
  break: ['id', 'time_windows', 'service', 'description', 'max_load'],
  step: ['type', 'id', 'service_at', 'service_after', 'service_before', 'locked'],
  matrix: ['durations', 'distances', 'costs'],
  options: ['g', 'replay', 'route_cost', 'minimize', 'balance_weight'],
  replay: ['seed', 'iterations', 'phase_iterations'],
} as const;

/** VROOM refuses a vehicle faster than this (its "Invalid speed factor"). */
export const MAX_SPEED_FACTOR = 5;

/** Beyond this, more issues of the same broken input only bury the first ones. */
const MAX_ISSUES = 200;
const DEFAULT_PROFILE = 'car';
const STEP_TYPES = new Set(['start', 'job', 'pickup', 'delivery', 'break', 'reload', 'end']);

type Json = Record<string, unknown>;

export function validateProblem(problem: unknown, options: ValidateOptions = {}): ValidationIssue[] {
  const strict = options.dialect === 'vroom';
  const issues: ValidationIssue[] = [];
  const report = (code: ValidationCode, path: string, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ code, path, message });
    else if (issues.length === MAX_ISSUES) issues.push({ code: 'too_many_issues', path: '', message: `more than ${MAX_ISSUES} issues; the rest are not listed` });
  };
  const fields = new Fields(report, strict);
  const known = (owner: unknown, keys: readonly string[], path: string) => {
    if (!strict || !isObject(owner)) return;
    for (const key of Object.keys(owner)) {
      if (!keys.includes(key)) report('unknown_key', join(path, key), `is not a key of VROOM 1.14's API (expected one of ${keys.join(', ')})`);
    }
  };

  if (!isObject(problem)) {
    report('invalid_type', '', 'the problem must be a JSON object with "vehicles", "jobs" and/or "shipments", and "matrices"');
    return issues;
  }
  const vehicles = fields.array(problem, 'vehicles', '', true);
  const jobs = fields.array(problem, 'jobs', '', false);
  const shipments = fields.array(problem, 'shipments', '', false);
  if (vehicles?.length === 0) report('invalid_value', 'vehicles', 'at least one vehicle is required');
  known(problem, VROOM_KEYS.problem, '');

  const matrixSize = validateMatrices(problem, vehicles ?? [], fields, report, strict ? known : undefined);
  // VROOM takes the amount length from the vehicles; with no capacity anywhere an amount has nothing to fit in.
  const dimensions = expectedDimensions(vehicles ?? []) ?? (strict ? 0 : undefined);
  const checkAmount = (owner: Json, key: string, path: string) => {
    const amount = fields.numbers(owner, key, path, { integer: strict, min: 0 });
    if (amount && dimensions !== undefined && amount.length !== dimensions) {
      const why = dimensions === 0 ? 'but no vehicle has a capacity: give vehicles a capacity of the same length' : `but vehicle capacities have ${dimensions}`;
      report('dimension_mismatch', `${path}.${key}`, `has ${amount.length} entries, ${why}`);
    }
  };
  const checkLocation = (owner: Json, key: string, path: string, required: boolean) => {
    const index = fields.integer(owner, key, path, { min: 0 });
    if (index === undefined) {
      if (required && owner[key] === undefined) {
        const hint = owner.location !== undefined ? ' (a coordinate alone needs a routing step to build the matrices first)' : '';
        report('missing_field', `${path}.${key}`, `is required: the solver works on matrices${hint}`);
      }
      return;
    }
    if (matrixSize !== undefined && index >= matrixSize) {
      report('index_out_of_range', `${path}.${key}`, `is ${index}, but the matrices have ${matrixSize} locations (0..${matrixSize - 1})`);
    }
  };

  const jobIds = new Set<number>();
  jobs?.forEach((job, index) => {
    const path = `jobs[${index}]`;
    if (!isObject(job)) return report('invalid_type', path, 'must be an object');
    known(job, VROOM_KEYS.job, path);
    fields.uniqueId(job, path, jobIds, 'job');
    checkLocation(job, 'location_index', path, true);
    fields.number(job, 'setup', path, { min: 0, integer: strict });
    fields.number(job, 'service', path, { min: 0, integer: strict });
    checkAmount(job, 'delivery', path);
    checkAmount(job, 'pickup', path);
    fields.numbers(job, 'skills', path, { integer: true, min: 0 });
    fields.integer(job, 'priority', path, { min: 0, max: 100 });
    fields.timeWindows(job, 'time_windows', path);
    fields.number(job, 'lateness_cost_per_second', path, { min: 0 });
  });

  const pickupIds = new Set<number>();
  const deliveryIds = new Set<number>();
  shipments?.forEach((shipment, index) => {
    const path = `shipments[${index}]`;
    if (!isObject(shipment)) return report('invalid_type', path, 'must be an object');
    known(shipment, VROOM_KEYS.shipment, path);
    checkAmount(shipment, 'amount', path);
    fields.numbers(shipment, 'skills', path, { integer: true, min: 0 });
    fields.integer(shipment, 'priority', path, { min: 0, max: 100 });
    for (const [side, ids] of [
      ['pickup', pickupIds],
      ['delivery', deliveryIds],
    ] as const) {
      const step = shipment[side];
      const stepPath = `${path}.${side}`;
      if (step === undefined) {
        report('missing_field', stepPath, `is required: a shipment has a pickup and a delivery`);
        continue;
      }
      if (!isObject(step)) {
        report('invalid_type', stepPath, 'must be an object');
        continue;
      }
      known(step, VROOM_KEYS.shipmentStep, stepPath);
      fields.uniqueId(step, stepPath, ids, side);
      checkLocation(step, 'location_index', stepPath, true);
      fields.number(step, 'setup', stepPath, { min: 0, integer: strict });
      fields.number(step, 'service', stepPath, { min: 0, integer: strict });
      fields.timeWindows(step, 'time_windows', stepPath);
    }
  });

  const vehicleIds = new Set<number>();
  const stepOwners = new Map<string, string>();
  vehicles?.forEach((vehicle, index) => {
    const path = `vehicles[${index}]`;
    if (!isObject(vehicle)) return report('invalid_type', path, 'must be an object');
    known(vehicle, VROOM_KEYS.vehicle, path);
    fields.uniqueId(vehicle, path, vehicleIds, 'vehicle');
    fields.string(vehicle, 'profile', path);
    checkLocation(vehicle, 'start_index', path, false);
    checkLocation(vehicle, 'end_index', path, false);
    if (vehicle.start_index === undefined && vehicle.end_index === undefined) {
      const hint = vehicle.start !== undefined || vehicle.end !== undefined ? ' (coordinates alone need a routing step first)' : '';
      report('missing_field', path, `needs start_index or end_index (or both)${hint}`);
    }
    checkAmount(vehicle, 'capacity', path);
    fields.numbers(vehicle, 'skills', path, { integer: true, min: 0 });
    fields.timeWindow(vehicle, 'time_window', path);
    fields.number(vehicle, 'speed_factor', path, { min: 0, exclusiveMin: true, ...(strict ? { max: MAX_SPEED_FACTOR } : {}) });
    fields.integer(vehicle, 'max_tasks', path, { min: 0 });
    fields.number(vehicle, 'max_travel_time', path, { min: 0, integer: strict });
    fields.number(vehicle, 'max_distance', path, { min: 0, integer: strict });
    const costs = fields.object(vehicle, 'costs', path);
    known(costs, VROOM_KEYS.costs, `${path}.costs`);
    if (costs) for (const key of ['fixed', 'per_hour', 'per_km']) fields.number(costs, key, `${path}.costs`, { min: 0, integer: strict });

    const breakIds = new Set<number>();
    fields.array(vehicle, 'breaks', path, false)?.forEach((rest, breakIndex) => {
      const breakPath = `${path}.breaks[${breakIndex}]`;
      if (!isObject(rest)) return report('invalid_type', breakPath, 'must be an object');
      known(rest, VROOM_KEYS.break, breakPath);
      fields.uniqueId(rest, breakPath, breakIds, 'break');
      fields.timeWindows(rest, 'time_windows', breakPath);
      fields.number(rest, 'service', breakPath, { min: 0, integer: strict });
      checkAmount(rest, 'max_load', breakPath);
    });

    const reload = fields.object(vehicle, 'reload', path);
    known(reload, VROOM_KEYS.reload, `${path}.reload`);
    if (reload) {
      checkLocation(reload, 'location_index', `${path}.reload`, true);
      fields.number(reload, 'service', `${path}.reload`, { min: 0, integer: strict });
      fields.integer(reload, 'max_trips', `${path}.reload`, { min: 1 });
    }

    fields.array(vehicle, 'steps', path, false)?.forEach((step, stepIndex) => {
      const stepPath = `${path}.steps[${stepIndex}]`;
      if (!isObject(step)) return report('invalid_type', stepPath, 'must be an object');
      known(step, VROOM_KEYS.step, stepPath);
      if (typeof step.type !== 'string' || !STEP_TYPES.has(step.type)) {
        return report('invalid_value', `${stepPath}.type`, `must be one of ${[...STEP_TYPES].join(', ')}`);
      }
      for (const key of ['service_at', 'service_after', 'service_before']) fields.number(step, key, stepPath, { min: 0, integer: strict });
      fields.boolean(step, 'locked', stepPath);
      if (step.type === 'start' || step.type === 'end') return;
      // Lastmile: where the reloads go is the schedule's choice; a step list may name them, they are placed anew.
      if (step.type === 'reload') {
        if (!reload) report('invalid_value', `${stepPath}.type`, 'a reload step needs the vehicle to have a reload place (vehicle.reload)');
        return;
      }
      const id = fields.integer(step, 'id', stepPath, { min: 0, required: true });
      if (id === undefined) return;
      const ids = { job: jobIds, pickup: pickupIds, delivery: deliveryIds, break: breakIds }[step.type as 'job' | 'pickup' | 'delivery' | 'break'];
      if (!ids.has(id)) {
        const where = step.type === 'break' ? `this vehicle's breaks` : `the problem's ${step.type === 'job' ? 'jobs' : `shipment ${step.type}s`}`;
        return report('unknown_step', `${stepPath}.id`, `${step.type} ${id} is not among ${where}`);
      }
      const key = step.type === 'break' ? `${path}:break:${id}` : `${step.type}:${id}`;
      const owner = stepOwners.get(key);
      if (owner) report('duplicate_step', stepPath, `${step.type} ${id} is already listed at ${owner}`);
      else stepOwners.set(key, stepPath);
    });
  });

  if (problem.options !== undefined) {
    const options = fields.object(problem, 'options', '');
    known(options, VROOM_KEYS.options, 'options');
    if (options) {
      fields.boolean(options, 'g', 'options');
      fields.oneOf(options, 'route_cost', 'options', routeCostBases);
      fields.oneOf(options, 'minimize', 'options', minimizeGoals);
      fields.number(options, 'balance_weight', 'options', { min: 0 });
      if (options.balance_weight !== undefined && options.minimize !== 'balance')
        report('invalid_value', 'options.balance_weight', 'only applies with options.minimize "balance"');
    }
    const replay = options && fields.array(options, 'replay', 'options', false);
    if (replay?.length === 0) report('invalid_value', 'options.replay', 'must list at least one run ({ seed, iterations }), or be left out');
    const replayedSeeds = new Set<number>();
    replay?.forEach((run, index) => {
      const path = `options.replay[${index}]`;
      if (!isObject(run)) return report('invalid_type', path, 'must be an object { seed, iterations }');
      known(run, VROOM_KEYS.replay, path);
      const seed = fields.integer(run, 'seed', path, { min: 0, max: 2 ** 32 - 1, required: true });
      fields.integer(run, 'iterations', path, { min: 0, required: true });
      fields.integer(run, 'phase_iterations', path, { min: 0 });
      if (seed !== undefined && replayedSeeds.has(seed)) report('invalid_value', `${path}.seed`, `seed ${seed} is replayed more than once`);
      if (seed !== undefined) replayedSeeds.add(seed);
    });
  }
  return issues;
}

/** Checks every profile's matrices; returns their common size when it is known. */
function validateMatrices(
  problem: Json,
  vehicles: unknown[],
  fields: Fields,
  report: (code: ValidationCode, path: string, message: string) => void,
  known?: (owner: unknown, keys: readonly string[], path: string) => void,
) {
  const profiles = new Set(vehicles.map((vehicle) => (isObject(vehicle) && typeof vehicle.profile === 'string' ? vehicle.profile : DEFAULT_PROFILE)));
  if (problem.matrices === undefined) {
    const hint = problem.matrix !== undefined ? ' (the old top-level "matrix" is read by the VROOM text parser, not here)' : '';
    report('missing_matrix', 'matrices', `is required: an object like { "${[...profiles][0] ?? DEFAULT_PROFILE}": { "durations": [[…]] } }${hint}`);
    return undefined;
  }
  const matrices = fields.object(problem, 'matrices', '');
  if (!matrices) return undefined;

  const sizes = new Map<number, string>();
  for (const profile of profiles) {
    const path = `matrices.${profile}`;
    const matrix = matrices[profile];
    if (!isObject(matrix)) {
      report('missing_matrix', path, `is required by the vehicles with profile "${profile}": { "durations": [[…]] }`);
      continue;
    }
    known?.(matrix, VROOM_KEYS.matrix, path);
    if (matrix.durations === undefined && matrix.costs === undefined) {
      report('missing_matrix', `${path}.durations`, 'is required (seconds between every pair of locations)');
    }
    for (const kind of ['durations', 'distances', 'costs']) {
      if (matrix[kind] === undefined) continue;
      const size = validateMatrix(matrix[kind], `${path}.${kind}`, report, known !== undefined);
      if (size !== undefined && !sizes.has(size)) sizes.set(size, `${path}.${kind}`);
    }
  }
  if (sizes.size > 1) {
    const [[firstSize, firstPath], ...others] = [...sizes];
    for (const [size, path] of others) report('matrix_shape', path, `is ${size}×${size}, but ${firstPath} is ${firstSize}×${firstSize}`);
    return undefined;
  }
  return sizes.keys().next().value;
}

/**
 * Square, numeric, non-negative; null marks a pair with no road (the task may then be unreachable). In VROOM's
 * dialect entries are integers, as VROOM reads them ("Invalid matrix entry" otherwise). Rows or flat values
 * (NaN for null) read alike, so both give the same issues at the same paths.
 */
function validateMatrix(matrix: unknown, path: string, report: (code: ValidationCode, path: string, message: string) => void, integers: boolean): number | undefined {
  const reader = matrixReader(matrix);
  if (!reader) {
    report('invalid_type', path, 'must be an array of rows (a square matrix)');
    return undefined;
  }
  const size = reader.rows;
  let square = true;
  for (let i = 0; i < size; i++) {
    const row = reader.row(i);
    if (!row) {
      square = false;
      report('invalid_type', `${path}[${i}]`, 'must be an array of numbers');
      continue;
    }
    if (row.length !== size) {
      square = false;
      report('matrix_shape', `${path}[${i}]`, `has ${row.length} entries, but the matrix has ${size} rows: it must be square`);
    }
    for (let j = 0; j < row.length; j++) {
      const value = row[j];
      // The common case first: this loop sees every entry of a 10,000 × 10,000 matrix.
      if ((typeof value === 'number' && value >= 0 && value < Infinity && (!integers || Number.isInteger(value))) || reader.noRoad(value)) continue;
      const expected = integers ? 'integers ≥ 0, as VROOM reads them (Invalid matrix entry)' : 'finite numbers ≥ 0';
      report('matrix_value', `${path}[${i}][${j}]`, `is ${describe(value)}; entries must be ${expected} (or null for no road)`);
    }
  }
  return square ? size : undefined;
}

/** The fleet's capacity length, when the vehicles declare one. */
function expectedDimensions(vehicles: unknown[]): number | undefined {
  for (const vehicle of vehicles) if (isObject(vehicle) && Array.isArray(vehicle.capacity)) return vehicle.capacity.length;
  return undefined;
}

/** Typed field readers: each reports its own issue and returns undefined when the field is absent or bad. */
class Fields {
  constructor(
    private readonly report: (code: ValidationCode, path: string, message: string) => void,
    /** VROOM's dialect: time windows are integer seconds. */
    private readonly integerTimes = false,
  ) {}

  array(owner: Json, key: string, path: string, required: boolean): unknown[] | undefined {
    const value = owner[key];
    const at = join(path, key);
    if (value === undefined) {
      if (required) this.report('missing_field', at, 'is required (an array)');
      return undefined;
    }
    if (!Array.isArray(value)) return this.fail('invalid_type', at, `must be an array, got ${describe(value)}`);
    // A sparse array's holes become undefined entries, so they are reported rather than skipped.
    return Array.from(value);
  }

  object(owner: Json, key: string, path: string): Json | undefined {
    const value = owner[key];
    if (value === undefined) return undefined;
    if (!isObject(value)) return this.fail('invalid_type', join(path, key), `must be an object, got ${describe(value)}`);
    return value;
  }

  string(owner: Json, key: string, path: string): string | undefined {
    const value = owner[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') return this.fail('invalid_type', join(path, key), `must be a non-empty string, got ${describe(value)}`);
    return value;
  }

  oneOf<T extends string>(owner: Json, key: string, path: string, values: readonly T[]): T | undefined {
    const value = owner[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !values.includes(value as T))
      return this.fail('invalid_value', join(path, key), `must be one of ${values.map((v) => `"${v}"`).join(', ')}, got ${describe(value)}`);
    return value as T;
  }

  boolean(owner: Json, key: string, path: string): boolean | undefined {
    const value = owner[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return this.fail('invalid_type', join(path, key), `must be true or false, got ${describe(value)}`);
    return value;
  }

  number(owner: Json, key: string, path: string, rule: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean; required?: boolean }): number | undefined {
    return this.checkNumber(owner[key], join(path, key), rule);
  }

  integer(owner: Json, key: string, path: string, rule: { min?: number; max?: number; required?: boolean }): number | undefined {
    return this.checkNumber(owner[key], join(path, key), { ...rule, integer: true });
  }

  numbers(owner: Json, key: string, path: string, rule: { integer: boolean; min: number }): number[] | undefined {
    const list = this.array(owner, key, path, false);
    if (!list) return undefined;
    const at = join(path, key);
    const bad = list.map((value, index) => this.checkNumber(value, `${at}[${index}]`, { ...rule, required: true }) === undefined);
    return bad.includes(true) ? undefined : (list as number[]);
  }

  uniqueId(owner: Json, path: string, seen: Set<number>, what: string): void {
    const id = this.integer(owner, 'id', path, { min: 0, required: true });
    if (id === undefined) return;
    if (seen.has(id)) this.report('duplicate_id', `${path}.id`, `${what} id ${id} is used more than once`);
    seen.add(id);
  }

  timeWindow(owner: Json, key: string, path: string): [number, number] | undefined {
    return this.checkWindow(owner[key], join(path, key), false);
  }

  timeWindows(owner: Json, key: string, path: string): void {
    const list = this.array(owner, key, path, false);
    if (!list) return;
    const at = join(path, key);
    if (list.length === 0) return void this.report('invalid_value', at, 'must hold at least one [start, end] window (or be left out)');
    const windows = list.map((window, index) => this.checkWindow(window, `${at}[${index}]`, true));
    const valid = windows.flatMap((window, index) => (window ? [{ window, index }] : [])).sort((a, b) => a.window[0] - b.window[0]);
    for (let k = 1; k < valid.length; k++) {
      const previous = valid[k - 1]!;
      const current = valid[k]!;
      if (current.window[0] <= previous.window[1]) {
        this.report('invalid_time_window', `${at}[${current.index}]`, `overlaps ${at}[${previous.index}]: windows must be disjoint`);
      }
    }
  }

  private checkWindow(value: unknown, at: string, required: boolean): [number, number] | undefined {
    if (value === undefined && !required) return undefined;
    if (!Array.isArray(value) || value.length !== 2) return this.fail('invalid_time_window', at, `must be [start, end], got ${describe(value)}`);
    const start = this.checkNumber(value[0], `${at}[0]`, { min: 0, required: true, integer: this.integerTimes });
    const end = this.checkNumber(value[1], `${at}[1]`, { min: 0, required: true, integer: this.integerTimes });
    if (start === undefined || end === undefined) return undefined;
    if (start > end) return this.fail('invalid_time_window', at, `starts at ${start}, after its end ${end}`);
    return [start, end];
  }

  private checkNumber(value: unknown, at: string, rule: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean; required?: boolean }): number | undefined {
    if (value === undefined) {
      if (rule.required) this.report('missing_field', at, `is required (${rule.integer ? 'an integer' : 'a number'})`);
      return undefined;
    }
    if (typeof value !== 'number') return this.fail('invalid_type', at, `must be ${rule.integer ? 'an integer' : 'a number'}, got ${describe(value)}`);
    if (!Number.isFinite(value)) return this.fail('invalid_value', at, `must be a finite number, got ${value}`);
    if (rule.integer && !Number.isInteger(value)) return this.fail('invalid_value', at, `must be an integer, got ${value}`);
    if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) {
      return this.fail('invalid_value', at, `must be ${rule.exclusiveMin ? '>' : '≥'} ${rule.min}, got ${value}`);
    }
    if (rule.max !== undefined && value > rule.max) return this.fail('invalid_value', at, `must be ≤ ${rule.max}, got ${value}`);
    return value;
  }

  private fail(code: ValidationCode, path: string, message: string): undefined {
    this.report(code, path, message);
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

