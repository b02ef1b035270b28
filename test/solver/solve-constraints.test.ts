import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index';
import type { VroomJob, VroomProblem, VroomVehicle } from '../../solver/model/vroom';
import { expectFeasible, problemOn, routeIds, type Point } from './solve-fixtures';

const line: Point[] = [[0, 0], [10, 0], [20, 0], [30, 0]];

function reasonOf(problem: VroomProblem, id: number) {
  const solution = solve(problem, { stop: { maxIterations: 50 } });
  expectFeasible(problem, solution);
  return solution.unassigned.find((u) => u.id === id)?.reason;
}

describe('solve: skills, priorities and unassigned reasons', () => {
  it('gives a job to the only vehicle with its skills', () => {
    const problem = problemOn(line, [{ id: 1, location_index: 1, skills: [5] }], [
      { id: 1, start_index: 0, end_index: 0, skills: [1] },
      { id: 2, start_index: 3, end_index: 3, skills: [1, 5] },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 20 } });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 2)).toEqual([1]);
  });

  it('serves the higher priority when only one of two jobs fits the shift', () => {
    const jobs = [
      { id: 1, location_index: 1, service: 100, priority: 10 },
      { id: 2, location_index: 2, service: 100, priority: 60 },
    ];
    const problem = problemOn(line, jobs, [{ id: 1, start_index: 0, end_index: 0, time_window: [0, 150] }]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 1)).toEqual([2]);
    expect(solution.unassigned.map((u) => u.id)).toEqual([1]);
    expect(solution.summary.priority).toBe(60);
  });

  it('serves more tasks before saving cost', () => {
    // Two jobs fit only if the vehicle takes the long way; the cheap way serves one.
    const jobs = [1, 2, 3].map((id) => ({ id, location_index: id }));
    const problem = problemOn(line, jobs, [{ id: 1, start_index: 0, end_index: 0, max_tasks: 2 }]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expectFeasible(problem, solution);
    expect(solution.summary.unassigned).toBe(1);
    expect(solution.unassigned[0]!.reason).toBe('max_tasks');
  });

  it.each<[string, Partial<VroomJob>, Partial<VroomVehicle>]>([
    ['skills', { skills: [9] }, {}],
    ['capacity', { delivery: [50] }, { capacity: [10] }],
    ['time_window', { time_windows: [[0, 5]] }, {}],
    ['shift', { service: 500 }, { time_window: [0, 300] }],
    ['max_travel_time', {}, { max_travel_time: 30 }],
    ['max_distance', {}, { max_distance: 30 }],
  ])('explains an impossible job: %s', (reason, job, vehicle) => {
    const problem = problemOn(line, [{ id: 1, location_index: 3, ...job }], [{ id: 1, start_index: 0, end_index: 0, capacity: [100], ...vehicle }]);
    if (!('delivery' in job)) problem.jobs![0]!.delivery = [1];
    expect(reasonOf(problem, 1)).toBe(reason);
  });

  it('explains an unreachable job (no road in the matrix)', () => {
    const problem = problemOn(line, [{ id: 1, location_index: 3 }], [{ id: 1, start_index: 0, end_index: 0 }]);
    const matrix = problem.matrices!.car!.durations! as (number | null)[][];
    matrix[0]![3] = null;
    problem.matrices!.car!.distances = matrix as number[][];
    expect(reasonOf(problem, 1)).toBe('unreachable');
  });

  it('explains a job left out because the routes are full: capacity', () => {
    const jobs = [1, 2].map((id) => ({ id, location_index: id, delivery: [6] }));
    const problem = problemOn(line, jobs, [{ id: 1, start_index: 0, end_index: 0, capacity: [10] }]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toHaveLength(1);
    expect(solution.unassigned[0]!.reason).toBe('capacity');
  });
});

describe('solve: shipments, breaks, soft windows', () => {
  it('carries a shipment on one vehicle, pickup before delivery, with the load on board in between', () => {
    const points: Point[] = [[0, 0], [30, 0], [10, 0]];
    const problem: VroomProblem = {
      ...problemOn(points, [], [{ id: 1, start_index: 0, end_index: 0, capacity: [5] }, { id: 2, start_index: 0, end_index: 0, capacity: [5] }]),
      shipments: [{ amount: [5], pickup: { id: 11, location_index: 1 }, delivery: { id: 12, location_index: 2 } }],
    };
    const solution = solve(problem, { stop: { maxIterations: 30 } });
    expectFeasible(problem, solution);
    expect(solution.routes).toHaveLength(1);
    const steps = solution.routes[0]!.steps;
    expect(steps.map((s) => s.type)).toEqual(['start', 'pickup', 'delivery', 'end']);
    expect(steps.map((s) => s.load[0])).toEqual([0, 5, 0, 0]);
  });

  it('leaves a shipment whole: both halves unassigned when it cannot fit', () => {
    const problem: VroomProblem = {
      ...problemOn(line, [], [{ id: 1, start_index: 0, end_index: 0, capacity: [2] }]),
      shipments: [{ amount: [5], pickup: { id: 11, location_index: 1 }, delivery: { id: 12, location_index: 2 } }],
    };
    const solution = solve(problem, { stop: { maxIterations: 10 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned.map((u) => [u.type, u.id, u.reason])).toEqual([
      ['pickup', 11, 'capacity'],
      ['delivery', 12, 'capacity'],
    ]);
    expect(solution.summary.unassigned).toBe(2);
  });

  it('schedules a break inside its window', () => {
    const jobs = [1, 2, 3].map((id) => ({ id, location_index: id, service: 60 }));
    const problem = problemOn(line, jobs, [
      { id: 1, start_index: 0, end_index: 0, breaks: [{ id: 100, time_windows: [[100, 150]], service: 30 }] },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 30 } });
    expectFeasible(problem, solution);
    const brk = solution.routes[0]!.steps.find((s) => s.type === 'break')!;
    expect(brk.id).toBe(100);
    expect(brk.arrival + brk.waiting_time).toBeGreaterThanOrEqual(100);
    expect(brk.arrival + brk.waiting_time).toBeLessThanOrEqual(150);
    expect(solution.summary.service).toBe(3 * 60 + 30);
  });

  it('takes a break before a long stop when after it the break window would be closed', () => {
    const problem = problemOn(line, [{ id: 1, location_index: 1, service: 100 }], [
      { id: 1, start_index: 0, end_index: 0, breaks: [{ id: 100, time_windows: [[50, 100]], service: 30 }] },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 10 } });
    expectFeasible(problem, solution);
    expect(solution.routes[0]!.steps.map((s) => s.type)).toEqual(['start', 'break', 'job', 'end']);
    expect(solution.routes[0]!.steps[2]!.arrival).toBe(90);
  });

  it('serves a job late when its window is soft, instead of dropping it', () => {
    const jobs = [{ id: 1, location_index: 3, time_windows: [[0, 20]] as [number, number][], lateness_cost_per_second: 2 }];
    const problem = problemOn(line, jobs, [{ id: 1, start_index: 0, end_index: 0 }]);
    const solution = solve(problem, { stop: { maxIterations: 10 } });
    expectFeasible(problem, solution);
    expect(solution.unassigned).toEqual([]);
    const step = solution.routes[0]!.steps[1]!;
    expect(step.violations).toEqual([{ cause: 'delay', duration: 10 }]);
    // The reported cost is VROOM's (travel); the lateness shows as a delay violation.
    expect(solution.summary.cost).toBeCloseTo(60, 9);
  });

  it('weighs lateness: with equal travel either way, the soft-window job goes first', () => {
    const points: Point[] = [[0, 0], [30, 0], [-10, 0]];
    const jobs = [
      { id: 1, location_index: 1, time_windows: [[0, 10]] as [number, number][], lateness_cost_per_second: 100 },
      { id: 2, location_index: 2 },
    ];
    const problem = problemOn(points, jobs, [{ id: 1, start_index: 0, end_index: 0 }]);
    const solution = solve(problem, { stop: { maxIterations: 30 } });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 1)).toEqual([1, 2]);
    expect(solution.routes[0]!.steps[1]!.violations).toEqual([{ cause: 'delay', duration: 20 }]);
  });
});
