import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../solver/model/problem';
import { nearestTasks } from '../../solver/search/neighbors';

/** Every other task sorted by (cost, index), first k: what nearestTasks must give, by its own definition. */
function bySorting(costs: ArrayLike<number>, n: number, location: ArrayLike<number>, count: number, k: number, rowOnly: boolean): number[][] {
  return Array.from({ length: count }, (_, a) => {
    const key = (b: number) => {
      const there = costs[location[a]! * n + location[b]!]!;
      const back = costs[location[b]! * n + location[a]!]!;
      return rowOnly ? there : Math.min(there, back);
    };
    return Array.from({ length: count }, (_, b) => b)
      .filter((b) => b !== a)
      .sort((x, y) => key(x) - key(y) || x - y)
      .slice(0, k);
  });
}

/** Jobs on random places of a random asymmetric matrix with few distinct costs (many ties) and some pairs without a road. */
function randomProblem(jobs: number, seed: number) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const places = Math.max(2, Math.ceil(jobs * 0.8));
  const durations = Array.from({ length: places + 1 }, () => Array.from({ length: places + 1 }, () => (random() < 0.03 ? null : Math.floor(random() * 30))));
  return buildProblem({
    jobs: Array.from({ length: jobs }, (_, i) => ({ id: i + 1, location_index: 1 + Math.floor(random() * places) })),
    vehicles: [{ id: 1, start_index: 0 }],
    matrices: { car: { durations: durations as number[][] } },
  });
}

describe('nearestTasks', () => {
  it('lists the k nearest other tasks, ties by index, as sorting every row would: small and large rows, sampled bound or not', () => {
    for (const [jobs, k] of [
      [1, 4],
      [2, 1],
      [40, 0],
      [40, 64],
      [300, 4],
      [700, 16],
      [2100, 64],
      [2100, 8],
    ] as const) {
      const problem = randomProblem(jobs, jobs * 31 + k);
      const rowOnly = problem.taskCount >= 2000;
      const expected = bySorting(problem.types[0]!.costs, problem.locations, problem.taskLocation, problem.taskCount, k, rowOnly);
      expect(nearestTasks(problem, k).map((list) => [...list]), `${jobs} jobs, k = ${k}`).toEqual(expected);
    }
  });
});
