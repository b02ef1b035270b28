/** Tiny hand-made problems for the solver tests: points on a plane, Euclidean seconds = metres. */
import { expect } from 'vitest';
import { checkSolution } from '../../solver/check';
import { Rng } from '../../solver/model/rng';
import type { VroomJob, VroomProblem, VroomSolution, VroomVehicle } from '../../solver/model/vroom';

export type Point = [number, number];

/** Matrix of rounded-free Euclidean distances between points (index = location_index). */
export function euclidean(points: Point[]): number[][] {
  return points.map(([x1, y1]) => points.map(([x2, y2]) => Math.hypot(x1 - x2, y1 - y2)));
}

export function problemOn(points: Point[], jobs: VroomJob[], vehicles: VroomVehicle[], extra: Partial<VroomProblem> = {}): VroomProblem {
  const matrix = euclidean(points);
  return { jobs, vehicles, matrices: { car: { durations: matrix, distances: matrix } }, ...extra };
}

/** Runs the independent checker and fails the test on any issue. */
export function expectFeasible(problem: VroomProblem, solution: VroomSolution): void {
  expect(solution.code, solution.error).toBe(0);
  const check = checkSolution(problem, solution);
  expect(check.issues).toEqual([]);
  expect(check.feasible).toBe(true);
}

export function routeIds(solution: VroomSolution, vehicle: number): number[] {
  const route = solution.routes.find((r) => r.vehicle === vehicle);
  return route ? route.steps.filter((s) => s.id !== undefined && s.type !== 'break').map((s) => s.id!) : [];
}

/** A random VRPTW instance: depot 0 at the centre, customers 1..n on a 100×100 square with windows and demands. */
export function randomInstance(n: number, vehicles: number, seed: number): VroomProblem {
  const rng = new Rng(seed);
  const points: Point[] = [[50, 50]];
  const jobs: VroomJob[] = [];
  for (let i = 1; i <= n; i++) {
    points.push([rng.int(101), rng.int(101)]);
    const open = rng.int(600);
    jobs.push({ id: i, location_index: i, service: 10, delivery: [1 + rng.int(20)], time_windows: [[open, open + 100 + rng.int(300)]] });
  }
  const fleet = Array.from({ length: vehicles }, (_, k) => ({ id: k + 1, start_index: 0, end_index: 0, capacity: [100], time_window: [0, 1200] as [number, number] }));
  return problemOn(points, jobs, fleet);
}
