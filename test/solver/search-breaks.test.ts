import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import { buildProblem, TASK_DELIVERY, TASK_PICKUP } from '../../solver/model/problem';
import { Rng } from '../../solver/model/rng';
import type { VroomProblem } from '../../solver/model/vroom';
import { nearestTasks } from '../../solver/search/neighbors';
import { twoOptStarDescent } from '../../solver/search/operators/two-opt-star';
import { simulateRoute } from '../../solver/search/schedule';
import { SearchSolution } from '../../solver/search/solution';
import { euclidean, expectFeasible, routeIds, type Point } from './solve-fixtures';

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

/**
 * Random shipments and jobs on a mixed fleet (two speeds, two capacities, costs per hour or per km, some with a
 * break), loaded into routes at random, then polished by 2-opt*: pairs stay whole and in order, every route stays
 * feasible, and the gain it reports is what the routes' costs fell by.
 */
function randomSolution(seed: number): { input: VroomProblem; solution: SearchSolution } {
  const rng = new Rng(seed);
  const places = 12 + rng.int(20);
  const points: Point[] = Array.from({ length: places + 1 }, () => [rng.int(100), rng.int(100)]);
  const matrix = euclidean(points);
  const shipments = Array.from({ length: 2 + rng.int(Math.floor(places / 3)) }, (_, k) => ({
    amount: [1 + rng.int(4)],
    pickup: { id: k + 1, location_index: 1 + rng.int(places), service: rng.int(10), ...(rng.next() < 0.5 ? { time_windows: [[0, 300 + rng.int(400)]] as [number, number][] } : {}) },
    delivery: { id: k + 1, location_index: 1 + rng.int(places), service: rng.int(10) },
  }));
  const jobs = Array.from({ length: rng.int(places) }, (_, k) => ({ id: k + 1, location_index: 1 + rng.int(places), delivery: [rng.int(3)], service: rng.int(10) }));
  const vehicles = Array.from({ length: 2 + rng.int(3) }, (_, v) => ({
    id: v + 1,
    start_index: 0,
    end_index: 0,
    capacity: [v % 2 === 0 ? 12 : 6 + rng.int(6)],
    time_window: [0, 1500] as [number, number],
    ...(v % 2 === 1 ? { speed_factor: 1.5, costs: { per_hour: 3600, per_km: 400 } } : {}),
    ...(rng.next() < 0.3 ? { breaks: [{ id: v + 1, time_windows: [[100, 600]] as [number, number][], service: 30 }] } : {}),
  }));
  const input: VroomProblem = { jobs, shipments, vehicles, matrices: { car: { durations: matrix, distances: matrix } } };
  const problem = buildProblem(input);
  const solution = new SearchSolution(problem);
  const order = rng.shuffle([...Array(problem.taskCount).keys()].filter((t) => problem.taskKind[t] !== TASK_DELIVERY));
  for (const t of order) {
    const route = solution.routes[rng.int(problem.vehicleCount)]!;
    const partner = problem.taskPartner[t]!;
    const before = route.tasks.slice();
    const at = rng.int(route.length + 1);
    route.tasks.splice(at, 0, t);
    if (partner >= 0) route.tasks.splice(at + 1 + rng.int(route.length - at), 0, partner);
    route.update();
    if (!route.feasible) {
      route.tasks = before;
      route.update();
    }
  }
  solution.refresh();
  return { input, solution };
}

describe('2-opt* with shipments and mixed fleets', () => {
  it('never splits a pickup from its delivery, keeps routes feasible and gains what it says', () => {
    let moves = 0;
    let shipmentsMoved = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const { solution } = randomSolution(seed);
        const problem = solution.problem;
        const before = solution.cost();
        const vehicleBefore = Int32Array.from(solution.routeOf);
        const changed = new Set<number>();
        const gain = twoOptStarDescent(solution, nearestTasks(problem, 16), 16, new Rng(seed), changed);
        if (gain > 0) moves++;
        expect(solution.cost()).toBeCloseTo(before - gain, 6);
        for (const route of solution.routes) {
          expect(simulateRoute(problem, route.vehicle, route.tasks, route.length, false).feasible).toBe(true);
          route.tasks.forEach((t, k) => {
            expect(solution.routeOf[t]).toBe(route.vehicle);
            if (problem.taskKind[t] !== TASK_PICKUP) return;
            expect(route.tasks.indexOf(problem.taskPartner[t]!)).toBeGreaterThan(k);
            if (vehicleBefore[t] !== route.vehicle) shipmentsMoved++;
          });
        }
      }),
      { numRuns: 200, seed: 20261207 },
    );
    // The operator works on these instances, moving shipments between vehicles of different types.
    expect(moves).toBeGreaterThan(100);
    expect(shipmentsMoved).toBeGreaterThan(200);
  });

  it('solves shipments on a mixed fleet with breaks to checker-valid answers', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { input } = randomSolution(seed);
      const answer = solve(input, { seed, stop: { maxIterations: 40 } });
      expectFeasible(input, answer);
    }
  });
});
