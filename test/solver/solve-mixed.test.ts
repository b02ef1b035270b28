import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import { Rng } from '../../solver/model/rng';
import type { VroomJob, VroomProblem, VroomShipment, VroomVehicle } from '../../solver/model/vroom';
import { euclidean, expectFeasible, type Point } from './solve-fixtures';

/**
 * Every feature at once on random days: multi-dimensional amounts, several windows, setup, soft windows,
 * priorities, skills, shipments, breaks, open routes, heterogeneous costs, speed factors and limits.
 * Whatever the solver returns must pass the independent checker, and every left-out task must carry a reason.
 */
function mixedDay(seed: number): VroomProblem {
  const rng = new Rng(seed);
  const points: Point[] = Array.from({ length: 50 }, () => [rng.int(1000), rng.int(1000)]);
  const matrix = euclidean(points).map((row) => row.map((d) => Math.round(d)));
  const windows = (): [number, number][] => {
    const open = rng.int(2000);
    return rng.next() < 0.3 ? [[open, open + 300], [open + 900, open + 1500]] : [[open, open + 600 + rng.int(1200)]];
  };
  const jobs: VroomJob[] = Array.from({ length: 30 }, (_, i) => ({
    id: i + 1,
    location_index: 1 + rng.int(40),
    setup: rng.int(30),
    service: 60 + rng.int(120),
    delivery: [rng.int(5), rng.int(3)],
    pickup: [rng.int(3), 0],
    time_windows: windows(),
    priority: rng.int(3) * 10,
    ...(rng.next() < 0.2 ? { skills: [1 + rng.int(2)] } : {}),
    ...(rng.next() < 0.15 ? { lateness_cost_per_second: 0.1 } : {}),
  }));
  const shipments: VroomShipment[] = Array.from({ length: 5 }, (_, i) => ({
    amount: [2, 1],
    pickup: { id: 100 + i, location_index: 1 + rng.int(49), service: 60, time_windows: windows() },
    delivery: { id: 100 + i, location_index: 1 + rng.int(49), service: 60, time_windows: [[0, 4000]] },
  }));
  const vehicles: VroomVehicle[] = Array.from({ length: 4 }, (_, k) => ({
    id: k + 1,
    start_index: 0,
    ...(k === 3 ? {} : { end_index: 0 }),
    capacity: [15 + rng.int(10), 8],
    skills: k % 2 === 0 ? [1] : [1, 2],
    time_window: [0, 3000 + rng.int(1500)],
    costs: { fixed: 100 * k, per_hour: 3600, per_km: k * 100 },
    speed_factor: k === 1 ? 1.2 : 1,
    ...(k === 2 ? { breaks: [{ id: 50, time_windows: [[1200, 1800]] as [number, number][], service: 300 }] } : {}),
    ...(k === 0 ? { max_tasks: 10, max_travel_time: 5000 } : {}),
  }));
  return { jobs, shipments, vehicles, matrices: { car: { durations: matrix, distances: matrix } } };
}

const REASONS = ['skills', 'capacity', 'time_window', 'shift', 'max_tasks', 'max_travel_time', 'max_distance', 'unreachable', 'not_profitable'];

describe('solve: every feature at once', () => {
  it.each([1, 2, 3, 4, 5, 6])('returns a solution the checker accepts, with a reason for each left-out task (day %i)', (seed) => {
    const problem = mixedDay(seed);
    const solution = solve(problem, { seed, stop: { maxIterations: 150 } });
    expectFeasible(problem, solution);
    const served = solution.routes.reduce((sum, r) => sum + r.steps.filter((s) => s.id !== undefined && s.type !== 'break').length, 0);
    expect(served + solution.unassigned.length).toBe(30 + 2 * 5);
    expect(served).toBeGreaterThan(20);
    for (const u of solution.unassigned) expect(REASONS).toContain(u.reason);
    for (const route of solution.routes) {
      const pickups = route.steps.filter((s) => s.type === 'pickup').map((s) => s.id);
      const deliveries = route.steps.filter((s) => s.type === 'delivery').map((s) => s.id);
      expect(pickups.sort()).toEqual(deliveries.sort());
    }
  });
});
