import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import { expectFeasible, problemOn, randomInstance, routeIds, type Point } from './solve-fixtures';

describe('solve: VRPTW core', () => {
  it('visits points on a line in order and returns: cost = twice the farthest point', () => {
    const points: Point[] = [[0, 0], [30, 0], [10, 0], [20, 0]];
    const problem = problemOn(points, [1, 2, 3].map((i) => ({ id: i, location_index: i })), [{ id: 7, start_index: 0, end_index: 0 }]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expectFeasible(problem, solution);
    const order = routeIds(solution, 7);
    expect([order, [...order].reverse()]).toContainEqual([2, 3, 1]);
    expect(solution.summary.cost).toBeCloseTo(60, 9);
    expect(solution.summary.distance).toBeCloseTo(60, 9);
    expect(solution.routes[0]!.steps.map((s) => s.type)).toEqual(['start', 'job', 'job', 'job', 'end']);
  });

  it('splits jobs over vehicles when one capacity cannot carry them all, loads decreasing along the route', () => {
    const points: Point[] = [[0, 0], [10, 0], [-10, 0], [0, 10]];
    const jobs = [1, 2, 3].map((i) => ({ id: i, location_index: i, delivery: [4] }));
    const vehicles = [1, 2].map((id) => ({ id, start_index: 0, end_index: 0, capacity: [8] }));
    const problem = problemOn(points, jobs, vehicles);
    const solution = solve(problem, { stop: { maxIterations: 100 } });
    expectFeasible(problem, solution);
    expect(solution.routes).toHaveLength(2);
    for (const route of solution.routes) {
      const loads = route.steps.map((s) => s.load[0]!);
      expect(loads[0]).toBe(4 * (route.steps.length - 2));
      expect(loads.at(-1)).toBe(0);
    }
  });

  it('follows time windows even against geography', () => {
    // Job 1 is near but only opens late; job 2 is far and must be served early.
    const points: Point[] = [[0, 0], [5, 0], [50, 0]];
    const jobs = [
      { id: 1, location_index: 1, time_windows: [[200, 300]] as [number, number][] },
      { id: 2, location_index: 2, time_windows: [[0, 60]] as [number, number][] },
    ];
    const problem = problemOn(points, jobs, [{ id: 1, start_index: 0, end_index: 0 }]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 1)).toEqual([2, 1]);
    // The van leaves as late as job 2's window allows (10 instead of 0), as VROOM reports it: less waiting, same end.
    const [start, , job1] = solution.routes[0]!.steps;
    expect(start!.arrival).toBeCloseTo(10, 9);
    expect(job1!.arrival).toBeCloseTo(105, 9);
    expect(job1!.waiting_time).toBeCloseTo(95, 9);
  });

  it('uses the second of several time windows when the first is unreachable', () => {
    const problem = problemOn([[0, 0], [100, 0]], [{ id: 1, location_index: 1, time_windows: [[0, 50], [300, 400]] }], [
      { id: 1, start_index: 0, end_index: 0 },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 10 } });
    expectFeasible(problem, solution);
    const step = solution.routes[0]!.steps[1]!;
    expect(step.arrival + step.waiting_time).toBe(300);
  });

  it('counts setup only when the vehicle changes place', () => {
    const problem = problemOn(
      [[0, 0], [10, 0]],
      [1, 2].map((id) => ({ id, location_index: 1, setup: 30, service: 5 })),
      [{ id: 1, start_index: 0, end_index: 0 }],
    );
    const solution = solve(problem, { stop: { maxIterations: 10 } });
    expectFeasible(problem, solution);
    expect(solution.routes[0]!.steps.map((s) => s.setup)).toEqual([0, 30, 0, 0]);
    expect(solution.summary.setup).toBe(30);
  });

  it('open routes: a vehicle without end stops at its last job', () => {
    const points: Point[] = [[0, 0], [10, 0], [20, 0]];
    const problem = problemOn(points, [1, 2].map((id) => ({ id, location_index: id })), [{ id: 1, start_index: 0 }]);
    const solution = solve(problem, { stop: { maxIterations: 20 } });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 1)).toEqual([1, 2]);
    expect(solution.summary.cost).toBeCloseTo(20, 9);
    expect(solution.routes[0]!.steps.map((s) => s.type)).toEqual(['start', 'job', 'job']);
  });

  it('prices routes with fixed, per-hour and per-km costs, and prefers the cheaper vehicle', () => {
    const points: Point[] = [[0, 0], [1000, 0]];
    const jobs = [{ id: 1, location_index: 1 }];
    const vehicles = [
      { id: 1, start_index: 0, end_index: 0, costs: { fixed: 500, per_hour: 3600 } },
      { id: 2, start_index: 0, end_index: 0, costs: { fixed: 100, per_hour: 1800, per_km: 10 } },
    ];
    const problem = problemOn(points, jobs, vehicles);
    const solution = solve(problem, { stop: { maxIterations: 20 } });
    expectFeasible(problem, solution);
    // Vehicle 1: 500 + 2000 s; vehicle 2: 100 + 2000 s × 0.5 + 2 km × 10 = 1120.
    expect(solution.routes.map((r) => r.vehicle)).toEqual([2]);
    expect(solution.summary.cost).toBeCloseTo(1120, 9);
  });

  it('speed_factor shortens travel times but not distances', () => {
    const problem = problemOn([[0, 0], [100, 0]], [{ id: 1, location_index: 1 }], [{ id: 1, start_index: 0, end_index: 0, speed_factor: 2 }]);
    const solution = solve(problem, { stop: { maxIterations: 10 } });
    expect(solution.summary.duration).toBeCloseTo(100, 9);
    expect(solution.summary.distance).toBeCloseTo(200, 9);
  });

  it('finds the optimum of small random instances (checked by brute force over all orders)', () => {
    for (const seed of [1, 2, 3]) {
      const problem = randomInstance(6, 1, seed);
      problem.jobs!.forEach((j) => (j.time_windows = [[0, 5000]]));
      problem.vehicles[0]!.time_window = [0, 5000];
      const solution = solve(problem, { stop: { maxIterations: 300 } });
      expectFeasible(problem, solution);
      expect(solution.summary.cost).toBeCloseTo(bruteForceTour(problem.matrices!.car!.durations!), 6);
    }
  });
});

/** Shortest closed tour through every location from 0, by enumerating permutations. */
function bruteForceTour(matrix: number[][]): number {
  const rest = matrix.map((_, i) => i).slice(1);
  let best = Infinity;
  const walk = (from: number, left: number[], cost: number) => {
    if (left.length === 0) {
      best = Math.min(best, cost + matrix[from]![0]!);
      return;
    }
    for (const next of left) walk(next, left.filter((x) => x !== next), cost + matrix[from]![next]!);
  };
  walk(0, rest, 0);
  return best;
}
