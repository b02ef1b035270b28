/**
 * Bad input is data: any field of a valid problem replaced by any JSON-ish value must give validation
 * issues or a solvable problem, never an exception — and solve() must answer code 2 exactly when
 * validation found something.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/check';
import { solve } from '../../solver/index';
import type { VroomProblem } from '../../solver/model/vroom';
import { validateProblem } from '../../solver/validate';

const valid = (): VroomProblem => ({
  jobs: [
    { id: 1, location_index: 1, setup: 5, service: 60, delivery: [1, 2], pickup: [0, 1], time_windows: [[0, 900], [1200, 3000]], priority: 10, skills: [1] },
    { id: 2, location_index: 2, service: 30, delivery: [2, 0], lateness_cost_per_second: 2, time_windows: [[100, 400]] },
  ],
  shipments: [
    {
      amount: [1, 1],
      skills: [],
      priority: 5,
      pickup: { id: 3, location_index: 3, service: 20, time_windows: [[0, 2000]] },
      delivery: { id: 3, location_index: 1, service: 20 },
    },
  ],
  vehicles: [
    {
      id: 1,
      start_index: 0,
      end_index: 0,
      capacity: [5, 5],
      skills: [1, 2],
      time_window: [0, 5000],
      costs: { fixed: 10, per_hour: 3600, per_km: 1 },
      breaks: [{ id: 1, time_windows: [[500, 1500]], service: 100, max_load: [5, 5] }],
      max_tasks: 10,
      max_travel_time: 4000,
      max_distance: 40000,
      speed_factor: 1,
      steps: [{ type: 'start' }, { type: 'job', id: 1 }, { type: 'end' }],
    },
    { id: 2, end_index: 3, capacity: [3, 3] },
  ],
  matrices: {
    car: {
      durations: [
        [0, 100, 200, 300],
        [100, 0, 100, 200],
        [200, 100, 0, 100],
        [300, 200, 100, 0],
      ],
      distances: [
        [0, 1000, 2000, 3000],
        [1000, 0, 1000, 2000],
        [2000, 1000, 0, 1000],
        [3000, 2000, 1000, 0],
      ],
    },
  },
});

/** Every path to a value in the problem (objects and arrays included). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
}

function replaceAt(root: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const oddValues = fc.constantFrom<unknown>(undefined, null, -1, 0, 1.5, 7, 1e12, NaN, Infinity, 'x', '', true, [], [[]], [1, 2, 3], [-5, 5], {}, { id: 1 });

describe('validateProblem and solve on corrupted problems', () => {
  const allPaths = paths(valid()).filter((path) => path.length > 0);

  it('starts from a problem that is valid and solves feasibly', () => {
    expect(validateProblem(valid())).toEqual([]);
    const solution = solve(valid(), { stop: { maxIterations: 20 } });
    expect(solution.code).toBe(0);
    expect(checkSolution(valid(), solution).issues).toEqual([]);
  });

  it('never throws; code 2 exactly when validation reports an issue', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), oddValues, (path, replacement) => {
        const problem = replaceAt(valid(), path, replacement);
        const issues = validateProblem(problem);
        for (const issue of issues) {
          expect(issue.path).toMatch(/^[a-z_]*(\.[a-z_]+|\[\d+\])*$/);
          expect(issue.message.length).toBeGreaterThan(5);
        }
        const solution = solve(problem as VroomProblem, { stop: { maxIterations: 5 } });
        expect({ path: path.join('.'), code: solution.code }).toEqual({ path: path.join('.'), code: issues.length > 0 ? 2 : 0 });
      }),
      { numRuns: 1500, seed: 7 },
    );
  });
});
