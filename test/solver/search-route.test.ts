import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProblem, type Problem } from '../../solver/model/problem';
import { Rng } from '../../solver/model/rng';
import type { VroomProblem } from '../../solver/model/vroom';
import { SearchRoute } from '../../solver/search/route';
import { simulateRoute } from '../../solver/search/schedule';
import { euclidean, type Point } from './solve-fixtures';

/**
 * The O(1) move evaluation against the exact simulation: on random routes, every insertion the cached route
 * accepts is feasible and costs what the simulation says, and (without setup times, where the cache is exact)
 * every insertion it rejects is infeasible.
 */

interface Case {
  problem: Problem;
  route: SearchRoute;
  outside: number[];
}

function randomCase(seed: number, withSetup: boolean, shipments: boolean, withBreak = false): Case | undefined {
  const rng = new Rng(seed);
  const n = 4 + rng.int(9);
  const points: Point[] = Array.from({ length: n + 1 }, () => [rng.int(60), rng.int(60)]);
  if (rng.next() < 0.3) points[2] = points[1]!; // shared locations exercise the setup rule
  const matrix = euclidean(points);
  const input: VroomProblem = {
    jobs: Array.from({ length: n }, (_, i) => {
      const windows: [number, number][] = [];
      let open = rng.int(80);
      for (let k = 1 + rng.int(2); k > 0; k--) {
        const close = open + 20 + rng.int(150);
        windows.push([open, close]);
        open = close + 10 + rng.int(60);
      }
      return {
        id: i + 1,
        location_index: i + 1,
        service: rng.int(15),
        setup: withSetup ? rng.int(10) : 0,
        delivery: [rng.int(6), rng.int(3)],
        pickup: [rng.int(4), rng.int(3)],
        time_windows: windows,
      };
    }),
    shipments: shipments
      ? [{ amount: [2, 1], pickup: { id: 101, location_index: 1 + rng.int(n), service: 3 }, delivery: { id: 102, location_index: 1 + rng.int(n), service: 3 } }]
      : [],
    vehicles: [
      {
        id: 1,
        start_index: 0,
        ...(rng.next() < 0.8 ? { end_index: 0 } : {}),
        capacity: [10 + rng.int(10), 6 + rng.int(5)],
        time_window: [0, 250 + rng.int(400)],
        costs: { per_hour: 3600, per_km: rng.int(3) * 500 },
        ...(rng.next() < 0.3 ? { max_travel_time: 100 + rng.int(200) } : {}),
        ...(rng.next() < 0.3 ? { max_distance: 100 + rng.int(200) } : {}),
        ...(withBreak ? { breaks: [{ id: 1, time_windows: [[50 + rng.int(100), 200 + rng.int(100)]] as [number, number][], service: 5 + rng.int(30) }] } : {}),
      },
    ],
    matrices: { car: { durations: matrix, distances: matrix } },
  };
  const problem = buildProblem(input);
  const route = new SearchRoute(problem, 0);
  const outside: number[] = [];
  for (const t of rng.shuffle([...Array(problem.jobCount).keys()])) {
    route.tasks.push(t);
    route.update();
    if (!route.feasible) {
      route.tasks.pop();
      outside.push(t);
    }
  }
  route.update();
  return { problem, route, outside };
}

function exactCost(problem: Problem, tasks: number[]): number | undefined {
  const schedule = simulateRoute(problem, 0, tasks, tasks.length, false);
  return schedule.feasible ? schedule.cost : undefined;
}

describe('search route: O(1) insertion against the exact simulation', () => {
  it('agrees with the simulation on route feasibility and cost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.boolean(), (seed, withSetup) => {
        const { problem, route } = randomCase(seed, withSetup, false)!;
        expect(route.feasible).toBe(true);
        expect(route.cost).toBeCloseTo(exactCost(problem, route.tasks)!, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts exactly the feasible single insertions when there is no setup, at the exact cost', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const { problem, route, outside } = randomCase(seed, false, false)!;
        for (const t of outside) {
          for (let position = 1; position <= route.length + 1; position++) {
            const delta = route.insertionDelta(t, position);
            const candidate = [...route.tasks.slice(0, position - 1), t, ...route.tasks.slice(position - 1)];
            const exact = exactCost(problem, candidate);
            if (exact === undefined) {
              expect(delta).toBe(Infinity);
              rejected++;
            } else {
              expect(delta).toBeCloseTo(exact - route.cost, 9);
              accepted++;
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(20);
  });

  it('never accepts an infeasible insertion when setup times apply (the cache is conservative there)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const { problem, route, outside } = randomCase(seed, true, false)!;
        for (const t of outside)
          for (let position = 1; position <= route.length + 1; position++) {
            const delta = route.insertionDelta(t, position);
            if (delta === Infinity) continue;
            const exact = exactCost(problem, [...route.tasks.slice(0, position - 1), t, ...route.tasks.slice(position - 1)]);
            expect(exact).toBeDefined();
            expect(delta).toBeCloseTo(exact! - route.cost, 9);
          }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the cheapest feasible shipment insertion, as enumeration by simulation does (with or without a break)', () => {
    let found = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.boolean(), (seed, withBreak) => {
        const { problem, route } = randomCase(seed, false, true, withBreak)!;
        const pickup = problem.jobCount;
        const delivery = problem.jobCount + 1;
        const out = new Int32Array(2);
        const delta = route.bestPairInsertion(pickup, delivery, out);
        let best = Infinity;
        for (let i = 1; i <= route.length + 1; i++)
          for (let j = i; j <= route.length + 1; j++) {
            const t = route.tasks;
            const candidate = [...t.slice(0, i - 1), pickup, ...t.slice(i - 1, j - 1), delivery, ...t.slice(j - 1)];
            const exact = exactCost(problem, candidate);
            if (exact !== undefined) best = Math.min(best, exact - route.cost);
          }
        if (best === Infinity) expect(delta).toBe(Infinity);
        else {
          found++;
          expect(delta).toBeCloseTo(best, 9);
          const t = route.tasks;
          const chosen = [...t.slice(0, out[0]! - 1), pickup, ...t.slice(out[0]! - 1, out[1]! - 1), delivery, ...t.slice(out[1]! - 1)];
          expect(exactCost(problem, chosen)! - route.cost).toBeCloseTo(best, 9);
        }
      }),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThan(50);
  });

  it('with a break on the vehicle, the break caches accept exactly the feasible insertions, at the exact cost', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const { problem, route, outside } = randomCase(seed, false, false, true)!;
        expect(route.breakCached).toBe(true);
        for (const t of outside)
          for (let position = 1; position <= route.length + 1; position++) {
            const delta = route.insertionDelta(t, position);
            const exact = exactCost(problem, [...route.tasks.slice(0, position - 1), t, ...route.tasks.slice(position - 1)]);
            if (exact === undefined) expect(delta).toBe(Infinity);
            else {
              accepted++;
              expect(delta).toBeCloseTo(exact - route.cost, 9);
            }
          }
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
