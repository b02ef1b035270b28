/**
 * VROOM JSON text in and out. Input is normalized (byte-order mark, VROOM's pre-1.12 top-level "matrix")
 * and validated, so a bad file fails here with every issue listed rather than deep inside the solver.
 */
import type { VroomProblem, VroomSolution } from '../model/vroom';
import { validateProblem } from '../validate';
import { FormatError } from './format-error';

export function parseVroomProblem(text: string): VroomProblem {
  return toVroomProblem(parseJson(text, 'problem'));
}

/** Normalizes and validates a problem already parsed from JSON (for callers that fill in matrices first). */
export function toVroomProblem(value: unknown): VroomProblem {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const input = value as Record<string, unknown>;
    // VROOM before 1.12 took one duration matrix as "matrix" for the default profile.
    if (input.matrix !== undefined && input.matrices === undefined) {
      input.matrices = { car: { durations: input.matrix } };
      delete input.matrix;
    }
  }
  const issues = validateProblem(value);
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
      if (!Array.isArray(step.load)) throw new FormatError(`solution: ${stepPath}.load must be an array`);
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
