import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateDay } from '../../benchmarks/generated-day';
import { checkSolution } from '../../solver/check';
import { buildInitialSolution } from '../../solver/construct/initial';
import { solve } from '../../solver/index';
import { buildProblem } from '../../solver/model/problem';
import { Rng } from '../../solver/model/rng';
import { nearestTasks } from '../../solver/search/neighbors';
import { SearchRoute } from '../../solver/search/route';

afterEach(() => vi.restoreAllMocks());

describe('first solution of a large problem', () => {
  // 3,000 jobs: above the size from which construction inserts next to each task's nearest tasks only.
  const input = generateDay(3000, 100, 7);

  it('is feasible for the independent checker, serves every job and is the same for the same seed', () => {
    const first = solve(input, { seed: 4, stop: { maxIterations: 0 } });
    expect(first.code, first.error).toBe(0);
    expect(first.summary.unassigned).toBe(0);
    const check = checkSolution(input, first);
    expect(check.issues).toEqual([]);
    expect(check.feasible).toBe(true);
    const again = solve(input, { seed: 4, stop: { maxIterations: 0 } });
    expect(again.routes.map((route) => route.steps.map((step) => step.id))).toEqual(first.routes.map((route) => route.steps.map((step) => step.id)));
  });

  it('tries each job at a bounded number of places, not at every position of every route', () => {
    const problem = buildProblem(input);
    const neighbors = nearestTasks(problem, 64);
    const tries = vi.spyOn(SearchRoute.prototype, 'insertionDelta');
    const { solution } = buildInitialSolution(problem, new Rng(4), neighbors);
    expect(solution.unassigned).toEqual([]);
    // Next to its 40 nearest placed tasks, or in an empty route: ~40 tries per job here; every position of every route: ~1,500.
    expect(tries.mock.calls.length).toBeLessThan(100 * problem.taskCount);
  });
});
