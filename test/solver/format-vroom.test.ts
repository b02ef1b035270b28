import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../solver/format/format-error';
import { parseSolomon } from '../../solver/format/solomon';
import { formatSolution, parseVroomProblem, parseVroomSolution } from '../../solver/format/vroom';
import { scheduleJobRoutes, SOLOMON_DIR } from './check-fixtures';

const problem = {
  jobs: [{ id: 1, location_index: 1, service: 300 }],
  vehicles: [{ id: 1, start_index: 0, end_index: 0 }],
  matrices: { car: { durations: [[0, 60], [60, 0]] } },
};

const failure = (run: () => unknown): FormatError => {
  try {
    run();
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
};

describe('parseVroomProblem', () => {
  it('reads a VROOM problem, with or without a byte-order mark', () => {
    const text = JSON.stringify(problem);
    expect(parseVroomProblem(text)).toEqual(problem);
    expect(parseVroomProblem(`\uFEFF${text}`)).toEqual(problem);
  });

  it('refuses a Solomon instance written out as VROOM JSON: VROOM reads integer matrices only', () => {
    const solomon = parseSolomon(readFileSync(join(SOLOMON_DIR, 'rc101.txt'), 'utf8')).problem;
    const error = failure(() => parseVroomProblem(JSON.stringify(solomon)));
    expect(error.details[0]).toMatch(/^matrices\.car\.durations\[0\]\[1\]: .*Invalid matrix entry/);
  });

  it('normalizes the pre-1.12 top-level "matrix"', () => {
    const { matrices, ...rest } = problem;
    const parsed = parseVroomProblem(JSON.stringify({ ...rest, matrix: matrices.car.durations }));
    expect(parsed.matrices).toEqual(matrices);
    expect(parsed).not.toHaveProperty('matrix');
  });

  it('names the line and column of a JSON syntax error', () => {
    const error = failure(() => parseVroomProblem('{\n  "jobs": [1,\n  ]\n}'));
    expect(error.message).toMatch(/^problem: not valid JSON/);
    expect(error.message).not.toContain('\n');
    const truncated = failure(() => parseVroomProblem('{\n  "vehicles": [\n'));
    expect(truncated.message).toMatch(/^problem: not valid JSON/);
    const positioned = failure(() => parseVroomProblem('{"jobs": [] "vehicles": []}'));
    expect(positioned.message).toMatch(/line 1, column 13/);
  });

  it('lists every validation issue with its path', () => {
    const bad = { ...problem, jobs: [{ id: 1, location_index: 5, service: -1 }], vehicles: [{ id: 1 }] };
    const error = failure(() => parseVroomProblem(JSON.stringify(bad)));
    expect(error.message).toBe('invalid problem: 3 issues');
    expect(error.details).toEqual([
      'jobs[0].location_index: is 5, but the matrices have 2 locations (0..1)',
      'jobs[0].service: must be ≥ 0, got -1',
      'vehicles[0]: needs start_index or end_index (or both)',
    ]);
  });
});

describe('VROOM solutions', () => {
  it('round-trips a solution through text', () => {
    const solomon = parseSolomon(readFileSync(join(SOLOMON_DIR, 'c101.txt'), 'utf8')).problem;
    const solution = scheduleJobRoutes(solomon, [[20, 24, 25], [13, 17]]);
    for (const pretty of [false, true]) {
      const text = formatSolution(solution, { pretty });
      expect(text.endsWith('\n')).toBe(true);
      expect(parseVroomSolution(text)).toEqual(solution);
    }
    expect(formatSolution(solution, { pretty: true }).split('\n').length).toBeGreaterThan(50);
  });

  it('rejects text that is not a solution', () => {
    expect(failure(() => parseVroomSolution('[]')).message).toBe('solution: must be a JSON object');
    expect(failure(() => parseVroomSolution('{"code":0,"routes":[]}')).message).toBe('solution: missing "summary", "unassigned"');
    const summary = '{"cost":0,"duration":0,"routes":1,"unassigned":0,"priority":0}';
    expect(failure(() => parseVroomSolution('{"code":0,"summary":{},"unassigned":[],"routes":[]}')).message).toBe('solution: summary.cost must be a number');
    const route = '"vehicle":1,"cost":0,"duration":0,"priority":0';
    expect(failure(() => parseVroomSolution(`{"code":0,"summary":${summary},"unassigned":[],"routes":[{${route}}]}`)).message).toBe(
      'solution: routes[0].steps must be an array',
    );
    const step = '{"type":"job","arrival":"9:00","waiting_time":0,"setup":0,"service":0,"load":[]}';
    expect(failure(() => parseVroomSolution(`{"code":0,"summary":${summary},"unassigned":[],"routes":[{${route},"steps":[${step}]}]}`)).message).toBe(
      'solution: routes[0].steps[0].arrival must be a number',
    );
  });
});
