/**
 * VROOM JSON text in and out. Input is normalized (byte-order mark, VROOM's pre-1.12 top-level "matrix")
 * and validated, so a bad file fails here with every issue listed rather than deep inside the solver.
 */
import type { VroomProblem, VroomSolution, VroomStep } from '../model/vroom';
import { validateProblem } from '../validate';
import { FormatError } from './format-error';

export function parseVroomProblem(text: string): VroomProblem {
  return toVroomProblem(parseJson(text, 'problem'));
}

/**
 * VROOM's deprecated forms, rewritten in place to the current ones with VROOM's meaning: the top-level `matrix`
 * (durations for every profile) and a job's `amount` (a delivery; an explicit `delivery` wins, as in VROOM).
 */
export function normalizeVroomInput<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const input = value as Record<string, unknown>;
  if (input.matrix !== undefined && input.matrices === undefined) {
    const vehicles = Array.isArray(input.vehicles) ? (input.vehicles as unknown[]) : [];
    const profiles = new Set(vehicles.map((vehicle) => (isRecord(vehicle) && typeof vehicle.profile === 'string' ? vehicle.profile : 'car')));
    if (profiles.size === 0) profiles.add('car');
    input.matrices = Object.fromEntries([...profiles].map((profile) => [profile, { durations: input.matrix }]));
    delete input.matrix;
  }
  if (Array.isArray(input.jobs)) {
    for (const job of input.jobs as unknown[]) {
      if (!isRecord(job) || job.amount === undefined) continue;
      if (job.delivery === undefined) job.delivery = job.amount;
      delete job.amount;
    }
  }
  return value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Normalizes and validates (VROOM's rules) a problem already parsed from JSON (for callers that fill in matrices first). */
export function toVroomProblem(value: unknown): VroomProblem {
  normalizeVroomInput(value);
  const issues = validateProblem(value, { dialect: 'vroom' });
  if (issues.length > 0) {
    throw new FormatError(
      `invalid problem: ${issues.length === 1 ? '1 issue' : `${issues.length} issues`}`,
      issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`),
    );
  }
  return value as VroomProblem;
}

/** A solution as written by `formatSolution` (or by VROOM), for checking it again later. */
export function parseVroomSolution(text: string): VroomSolution {
  const value = parseJson(text, 'solution') as Partial<VroomSolution> | null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FormatError('solution: must be a JSON object');
  const missing = (['code', 'summary', 'unassigned', 'routes'] as const).filter((key) => value[key] === undefined);
  if (missing.length > 0) throw new FormatError(`solution: missing ${missing.map((key) => `"${key}"`).join(', ')}`);
  if (!Array.isArray(value.routes) || !Array.isArray(value.unassigned)) throw new FormatError('solution: "routes" and "unassigned" must be arrays');
  // The fields the checker reads: a hand-edited file fails here with a path, not inside the checker.
  requireNumbers(value.summary, 'summary', ['cost', 'duration', 'routes', 'unassigned', 'priority']);
  value.unassigned.forEach((task, index) => requireNumbers(task, `unassigned[${index}]`, ['id']));
  value.routes.forEach((route, index) => {
    const path = `routes[${index}]`;
    requireNumbers(route, path, ['vehicle', 'cost', 'duration', 'priority']);
    if (!Array.isArray(route.steps)) throw new FormatError(`solution: ${path}.steps must be an array`);
    route.steps.forEach((step, stepIndex) => {
      const stepPath = `${path}.steps[${stepIndex}]`;
      requireNumbers(step, stepPath, ['arrival', 'waiting_time', 'setup', 'service']);
      if (typeof step.type !== 'string') throw new FormatError(`solution: ${stepPath}.type must be a string`);
      // Absent when the problem has no capacity dimension, as VROOM writes it.
      if (step.load !== undefined && !Array.isArray(step.load)) throw new FormatError(`solution: ${stepPath}.load must be an array`);
    });
  });
  return value as VroomSolution;
}

function requireNumbers(owner: unknown, path: string, keys: string[]): void {
  if (typeof owner !== 'object' || owner === null) throw new FormatError(`solution: ${path} must be an object`);
  const record = owner as Record<string, unknown>;
  const bad = keys.find((key) => typeof record[key] !== 'number');
  if (bad) throw new FormatError(`solution: ${path}.${bad} must be a number`);
}

export function formatSolution(solution: VroomSolution, options: { pretty?: boolean } = {}): string {
  return `${JSON.stringify(solution, null, options.pretty ? 2 : undefined)}\n`;
}

/** JSON text → value; a syntax error names its line and column. */
export function parseJson(text: string, what: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(source);
  } catch (error) {
    // V8 quotes the start of the text after a comma; keep only the reason, on one line.
    const message = (error instanceof Error ? error.message : String(error)).replace(/, (\.\.\.)?".*$/s, '');
    const position = /position (\d+)/.exec(message)?.[1];
    if (position === undefined) throw new FormatError(`${what}: not valid JSON (${message})`);
    const before = source.slice(0, Number(position));
    const line = before.split('\n').length;
    const column = Number(position) - before.lastIndexOf('\n');
    throw new FormatError(`${what}: not valid JSON at line ${line}, column ${column} (${message.replace(/ in JSON at position \d+.*$/, '')})`);
  }
}

/**
 * A solution as VROOM 1.14 writes it: times, costs, distances and loads as integers (rounded, as VROOM scales
 * its internal units back), the deprecated `amount` beside `delivery` and `job` beside a task step's `id`, and no
 * amount keys at all when the problem has no capacity dimension. Apply after the checker has seen the exact one.
 */
export function toVroomOutput(solution: VroomSolution): VroomSolution {
  const answer = structuredClone(solution);
  const dimensions = answer.summary.delivery.length;
  const round = (owner: object, keys: string[]) => {
    const record = owner as Record<string, unknown>;
    for (const key of keys) {
      const value = record[key];
      if (typeof value === 'number') record[key] = Math.round(value);
      else if (Array.isArray(value)) record[key] = value.map((entry: unknown) => (typeof entry === 'number' ? Math.round(entry) : entry));
    }
  };
  const amounts = (owner: object) => {
    const record = owner as Record<string, unknown>;
    if (dimensions === 0) {
      delete record.delivery;
      delete record.pickup;
    } else record.amount = [...(record.delivery as number[])];
  };
  const totals = ['cost', 'setup', 'service', 'duration', 'waiting_time', 'priority', 'distance', 'delivery', 'pickup'];
  round(answer.summary, totals);
  amounts(answer.summary);
  for (const route of answer.routes) {
    round(route, totals);
    amounts(route);
    for (const step of route.steps) {
      round(step, ['arrival', 'duration', 'setup', 'service', 'waiting_time', 'distance', 'load']);
      for (const violation of step.violations) round(violation, ['duration']);
      if (dimensions === 0) delete (step as Partial<VroomStep>).load;
      if (step.type !== 'start' && step.type !== 'end' && step.type !== 'break' && step.type !== 'reload') (step as VroomStep & { job?: number }).job = step.id;
    }
    for (const violation of route.violations) round(violation, ['duration']);
  }
  for (const violation of answer.summary.violations) round(violation, ['duration']);
  // The summary is the sum of the routes as shown, so a client adding them up gets the same numbers.
  for (const key of ['cost', 'setup', 'service', 'duration', 'waiting_time'] as const) answer.summary[key] = answer.routes.reduce((total, route) => total + route[key], 0);
  if (answer.summary.distance !== undefined) answer.summary.distance = answer.routes.reduce((total, route) => total + (route.distance ?? 0), 0);
  return answer;
}
