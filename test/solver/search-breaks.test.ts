import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import type { VroomProblem } from '../../solver/model/vroom';
import { expectFeasible, routeIds } from './solve-fixtures';

describe('breaks placed by the search', () => {
  // Depot 0, A at 1, B at 2. The round 0 → A → B → 0 takes 300 s; the other way round 3,000 s. The break (1 h,
  // starting by 3,150) fits only at the start: A waits for its window until 3,100 anyway, so the break costs
  // A nothing, and B (3,700–3,800) is reached on time. Taken as late as its window allows (before leaving A,
  // at 3,100), it would make B late, and no order of the two works any other way.
  const durations = [
    [0, 100, 1000],
    [1000, 0, 100],
    [100, 1000, 0],
  ];
  const problem: VroomProblem = {
    vehicles: [{ id: 1, start_index: 0, end_index: 0, time_window: [0, 20_000], breaks: [{ id: 7, time_windows: [[0, 3150]], service: 3600 }] }],
    jobs: [
      { id: 1, location_index: 1, time_windows: [[3100, 20_000]] },
      { id: 2, location_index: 2, time_windows: [[3700, 3800]] },
    ],
    matrices: { car: { durations } },
  };

  it('takes the break where the route stays feasible, even before a wait it does not fit in', () => {
    const solution = solve(problem, { stop: { maxIterations: 20 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toEqual([]);
    expect(routeIds(solution, 1)).toEqual([1, 2]);
    expect(solution.summary.cost).toBe(300);
    const steps = solution.routes[0]!.steps;
    expect(steps.map((s) => s.type)).toEqual(['start', 'break', 'job', 'job', 'end']);
    expect(steps[3]!.arrival + steps[3]!.waiting_time).toBeLessThanOrEqual(3800);
  });

  it('checks a given route with the same placement in plan mode: no violation', () => {
    const planned: VroomProblem = { ...problem, vehicles: [{ ...problem.vehicles[0]!, steps: [{ type: 'job', id: 1 }, { type: 'job', id: 2 }] }] };
    const solution = solve(planned, { mode: 'plan' });
    expectFeasible(planned, solution);
    expect(solution.routes[0]!.violations).toEqual([]);
  });
});
