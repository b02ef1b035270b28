import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../solver/model/problem';
import { Rng } from '../../solver/model/rng';
import type { VroomProblem } from '../../solver/model/vroom';
import { twoOptStar } from '../../solver/search/operators/two-opt-star';
import { simulateRoute } from '../../solver/search/schedule';
import { SearchSolution } from '../../solver/search/solution';
import { euclidean, type Point } from './solve-fixtures';

/** 2-opt* evaluated from the caches against both new routes simulated exactly. */
function randomPair(seed: number) {
  const rng = new Rng(seed);
  const n = 6 + rng.int(10);
  const points: Point[] = Array.from({ length: n + 1 }, () => [rng.int(60), rng.int(60)]);
  const matrix = euclidean(points);
  const capacity = 12 + rng.int(8);
  const limits = rng.next() < 0.3 ? { max_travel_time: 150 + rng.int(150), max_distance: 150 + rng.int(150), max_tasks: 4 + rng.int(5) } : {};
  const input: VroomProblem = {
    jobs: Array.from({ length: n }, (_, i) => {
      const open = rng.int(150);
      return {
        id: i + 1,
        location_index: i + 1,
        service: rng.int(10),
        delivery: [rng.int(6)],
        pickup: [rng.int(4)],
        time_windows: [[open, open + 40 + rng.int(200)]] as [number, number][],
      };
    }),
    // Interchangeable vehicles: the only ones 2-opt* exchanges tails between.
    vehicles: [1, 2].map((id) => ({ id, start_index: 0, end_index: 0, capacity: [capacity], time_window: [0, 400] as [number, number], ...limits })),
    matrices: { car: { durations: matrix, distances: matrix } },
  };
  const problem = buildProblem(input);
  const solution = new SearchSolution(problem);
  for (const t of rng.shuffle([...Array(n).keys()])) {
    const route = solution.routes[rng.int(2)]!;
    route.tasks.push(t);
    route.update();
    if (!route.feasible) route.tasks.pop();
  }
  solution.refresh();
  return { problem, solution };
}

describe('2-opt* operator', () => {
  it('predicts feasibility and cost change of a tail exchange exactly (no setup times)', () => {
    let feasible = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const { problem, solution } = randomPair(seed);
        const [a, b] = solution.routes as [(typeof solution.routes)[0], (typeof solution.routes)[0]];
        for (let i = 0; i <= a.length; i++)
          for (let j = 0; j <= b.length; j++) {
            if ((i === a.length && j === b.length) || (i === 0 && j === 0)) continue;
            const delta = twoOptStar.evaluate(a, i, b, j);
            const newA = [...a.tasks.slice(0, i), ...b.tasks.slice(j)];
            const newB = [...b.tasks.slice(0, j), ...a.tasks.slice(i)];
            const sa = simulateRoute(problem, 0, newA, newA.length, false);
            const sb = simulateRoute(problem, 1, newB, newB.length, false);
            if (sa.feasible && sb.feasible) {
              feasible++;
              expect(delta).toBeCloseTo(sa.cost + sb.cost - a.cost - b.cost, 9);
            } else {
              infeasible++;
              expect(delta).toBe(Infinity);
            }
          }
      }),
      { numRuns: 200 },
    );
    expect(feasible).toBeGreaterThan(100);
    expect(infeasible).toBeGreaterThan(100);
  });

  it('applies the exchange: tasks move with their tails and keep their order', () => {
    const { solution } = randomPair(5);
    const [a, b] = solution.routes as [(typeof solution.routes)[0], (typeof solution.routes)[0]];
    const before = [a.tasks.slice(), b.tasks.slice()];
    const i = Math.min(2, a.length);
    const j = Math.min(1, b.length);
    twoOptStar.apply(solution, a, i, b, j);
    expect(a.tasks).toEqual([...before[0]!.slice(0, i), ...before[1]!.slice(j)]);
    expect(b.tasks).toEqual([...before[1]!.slice(0, j), ...before[0]!.slice(i)]);
    for (const t of a.tasks) expect(solution.routeOf[t]).toBe(0);
    for (const t of b.tasks) expect(solution.routeOf[t]).toBe(1);
  });
});
