import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import type { VroomProblem } from '../../solver/model/vroom';

/** A small valid problem touching jobs, shipments, breaks, steps and matrices: the fuzzer breaks one field. */
function validProblem(): VroomProblem {
  return {
    jobs: [{ id: 1, location_index: 1, delivery: [1], time_windows: [[0, 100]] }, { id: 2, location_index: 2 }],
    shipments: [{ amount: [1], pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }],
    vehicles: [{ id: 1, start_index: 0, end_index: 0, capacity: [3], breaks: [{ id: 1, time_windows: [[10, 50]], service: 5 }], steps: [{ type: 'job', id: 2 }] }],
    matrices: { car: { durations: [[0, 10, 20], [10, 0, 10], [20, 10, 0]] } },
  };
}

const FIELDS = [
  'jobs', 'jobs.0', 'jobs.0.id', 'jobs.0.location_index', 'jobs.0.delivery', 'jobs.0.time_windows', 'jobs.0.time_windows.0',
  'jobs.0.priority', 'jobs.0.setup', 'jobs.0.skills', 'jobs.0.lateness_cost_per_second', 'shipments.0.pickup', 'shipments.0.amount',
  'vehicles', 'vehicles.0', 'vehicles.0.capacity', 'vehicles.0.breaks', 'vehicles.0.breaks.0.time_windows', 'vehicles.0.steps',
  'vehicles.0.steps.0.id', 'vehicles.0.steps.0.type', 'vehicles.0.start_index', 'vehicles.0.end_index', 'vehicles.0.time_window',
  'vehicles.0.speed_factor', 'vehicles.0.costs', 'vehicles.0.max_tasks', 'matrices', 'matrices.car.durations.1', 'matrices.car.durations.0.1',
];

describe('solve: malformed input', () => {
  it('answers any broken field with code 2 or a solution, never a throw and never an internal error', () => {
    const valid = solve(validProblem(), { stop: { maxIterations: 5 } });
    expect(valid.code).toBe(0);
    let rejected = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.anything(), fc.boolean(), (path, value, plan) => {
        const problem = validProblem() as unknown as Record<string, unknown>;
        const keys = path.split('.');
        let target = problem;
        for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
        target[keys.at(-1)!] = value;
        const solution = solve(problem as unknown as VroomProblem, { stop: { maxIterations: 5 }, mode: plan ? 'plan' : 'optimize' });
        expect([0, 2], solution.error).toContain(solution.code);
        if (solution.code === 2) {
          rejected++;
          expect(solution.error).toBeTruthy();
        }
      }),
      { numRuns: 1500 },
    );
    expect(rejected).toBeGreaterThan(300);
  });
});
