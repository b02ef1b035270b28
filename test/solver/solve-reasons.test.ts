import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import type { VroomJob, VroomProblem, VroomVehicle } from '../../solver/model/vroom';
import { expectFeasible, problemOn, type Point } from './solve-fixtures';

/** Depot 0, then (30, 0), (15, 20) — 25 from both — and (20, 0) on the way. */
const points: Point[] = [[0, 0], [30, 0], [15, 20], [20, 0]];
const steps = (...ids: number[]) => ids.map((id) => ({ type: 'job' as const, id }));

/** Plan mode: vehicle 1 drives exactly `route`; job 2 is left out and explained against it. */
function explainOnRoute(job2: Partial<VroomJob>, vehicle: Partial<VroomVehicle>, job1: Partial<VroomJob> = {}) {
  const problem = problemOn(points, [{ id: 1, location_index: 1, ...job1 }, { id: 2, location_index: 2, ...job2 }], [
    { id: 1, start_index: 0, end_index: 0, steps: steps(1), ...vehicle },
  ]);
  const solution = solve(problem, { mode: 'plan' });
  expectFeasible(problem, solution);
  expect(solution.unassigned.map((u) => u.id)).toEqual([2]);
  return solution.unassigned[0]!;
}

describe('unassigned reasons, checked at every position of every route', () => {
  it('capacity: the route already carries too much for the job at any position, though it fits alone', () => {
    const entry = explainOnRoute({ delivery: [6] }, { capacity: [10] }, { delivery: [6] });
    expect(entry.reason).toBe('capacity');
    expect(entry.reasons).toEqual([{ reason: 'capacity', vehicles: [1] }]);
  });

  it('time_window: before the stop on the route it makes that stop late, after it it misses its own window', () => {
    // Before: served 25..75, then (30, 0) at 100 > 60. After: (30, 0) at 30, then (15, 20) at 55 > 40.
    const entry = explainOnRoute({ service: 50, time_windows: [[0, 40]] }, {}, { time_windows: [[0, 60]] });
    expect(entry.reason).toBe('time_window');
    expect(entry.cost).toBeUndefined();
  });

  it('shift: every position brings the van back after its shift, though the job alone fits', () => {
    // Alone: 25 + 20 + 25 = 70. On the route (30 out and back, 30 of service) it adds 20 of travel and 20 of service: 130 > 100.
    const entry = explainOnRoute({ service: 20 }, { time_window: [0, 100] }, { service: 30 });
    expect(entry.reason).toBe('shift');
    expect(entry.reasons).toEqual([{ reason: 'shift', vehicles: [1] }]);
  });

  it('max_tasks: the route is full', () => {
    expect(explainOnRoute({}, { max_tasks: 1 }).reason).toBe('max_tasks');
  });

  it('max_travel_time and max_distance: the detour breaks the route limit, the job alone does not', () => {
    // The route drives 60; (15, 20) adds 20 anywhere; alone it is 50.
    expect(explainOnRoute({}, { max_travel_time: 70 }).reason).toBe('max_travel_time');
    expect(explainOnRoute({}, { max_distance: 70 }).reason).toBe('max_distance');
  });

  it('not_profitable: a feasible place exists, with the cost its cheapest insertion adds', () => {
    const entry = explainOnRoute({}, {});
    expect(entry.reason).toBe('not_profitable');
    expect(entry.cost).toBe(20);
    expect(entry.reasons).toEqual([{ reason: 'not_profitable', vehicles: [1] }]);
  });

  it('with a break on the vehicle (exact simulation of every position): shift', () => {
    const entry = explainOnRoute({ service: 20 }, { time_window: [0, 110], breaks: [{ id: 9, time_windows: [[0, 200]], service: 10 }] }, { service: 30 });
    expect(entry.reason).toBe('shift');
  });

  it('names the constraint on each vehicle: no skills on one, too small on another, the route full on a third', () => {
    const problem = problemOn(points, [{ id: 1, location_index: 1, delivery: [6] }, { id: 2, location_index: 2, delivery: [6], skills: [3] }], [
      { id: 1, start_index: 0, end_index: 0, capacity: [10] },
      { id: 2, start_index: 0, end_index: 0, capacity: [5], skills: [3] },
      { id: 3, start_index: 0, end_index: 0, capacity: [10], skills: [3], steps: steps(1) },
      { id: 4, start_index: 0, end_index: 0, capacity: [10], skills: [3] },
    ]);
    // Vehicle 4 is empty and could take job 2: drop it to see every other reason, then keep it.
    const without = { ...problem, vehicles: problem.vehicles.slice(0, 3) };
    const solution = solve(without, { mode: 'plan' });
    expectFeasible(without, solution);
    const entry = solution.unassigned.find((u) => u.id === 2)!;
    // Most vehicles first.
    expect(entry.reasons).toEqual([
      { reason: 'capacity', vehicles: [2, 3] },
      { reason: 'skills', vehicles: [1] },
    ]);
    expect(entry.reason).toBe('capacity');

    const withEmpty = solve(problem, { mode: 'plan' });
    const fits = withEmpty.unassigned.find((u) => u.id === 2)!;
    expect(fits.reason).toBe('not_profitable');
    expect(fits.cost).toBe(50);
    expect(fits.reasons).toContainEqual({ reason: 'not_profitable', vehicles: [4] });
  });

  it('a shipment: no pair of positions on the route keeps the load within capacity', () => {
    const problem: VroomProblem = {
      ...problemOn(points, [{ id: 1, location_index: 1, delivery: [3], pickup: [3] }], [{ id: 1, start_index: 0, end_index: 0, capacity: [5], steps: steps(1) }]),
      shipments: [{ amount: [3], pickup: { id: 11, location_index: 2 }, delivery: { id: 12, location_index: 3 } }],
    };
    const solution = solve(problem, { mode: 'plan' });
    expectFeasible(problem, solution);
    expect(solution.unassigned.map((u) => [u.type, u.id, u.reason])).toEqual([
      ['pickup', 11, 'capacity'],
      ['delivery', 12, 'capacity'],
    ]);
  });

  it('after a search: every vehicle is listed, each with the constraint that blocks it', () => {
    const jobs = [1, 2, 3].map((id) => ({ id, location_index: id, delivery: [6] }));
    const problem = problemOn(points, jobs, [
      { id: 1, start_index: 0, end_index: 0, capacity: [10] },
      { id: 2, start_index: 0, end_index: 0, capacity: [10] },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toHaveLength(1);
    expect(solution.unassigned[0]!.reason).toBe('capacity');
    expect(solution.unassigned[0]!.reasons).toEqual([{ reason: 'capacity', vehicles: [1, 2] }]);
  });
});
