import { describe, expect, it } from 'vitest';
import { checkSolution, solve } from '../../solver/index';
import type { VroomProblem } from '../../solver/model/vroom';
import { expectFeasible, problemOn, routeIds, type Point } from './solve-fixtures';

const line: Point[] = [[0, 0], [10, 0], [20, 0], [30, 0]];
const jobs = [1, 2, 3].map((id) => ({ id, location_index: id, service: 5, delivery: [1] }));

describe('plan mode', () => {
  it('keeps the given order, however bad, and computes arrivals, loads and distances', () => {
    const problem = problemOn(line, jobs, [
      { id: 1, start_index: 0, end_index: 0, capacity: [5], steps: [3, 1, 2].map((id) => ({ type: 'job' as const, id })) },
    ]);
    const solution = solve(problem, { mode: 'plan' });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 1)).toEqual([3, 1, 2]);
    const steps = solution.routes[0]!.steps;
    expect(steps.map((s) => s.arrival)).toEqual([0, 30, 55, 70, 95]);
    expect(steps.map((s) => s.distance)).toEqual([0, 30, 50, 60, 80]);
    expect(steps.map((s) => s.load[0])).toEqual([3, 2, 1, 0, 0]);
    expect(solution.summary.cost).toBe(80);
  });

  it('gives the same answer without its validation pass when the caller vouches for the input, and still refuses what it cannot read', () => {
    const problem = problemOn(line, jobs, [
      { id: 1, start_index: 0, end_index: 0, capacity: [5], steps: [2, 3, 1].map((id) => ({ type: 'job' as const, id })) },
    ]);
    expect(solve(problem, { mode: 'plan', validated: true })).toEqual(solve(problem, { mode: 'plan' }));
    const unreadable = { ...problem, jobs: [{ ...jobs[0]!, location_index: 99 }, ...jobs.slice(1)] };
    expect(solve(unreadable, { mode: 'plan' }).code).toBe(2);
    expect(solve(unreadable, { mode: 'plan', validated: true }).code).not.toBe(0);
  });

  it('reports violations instead of fixing them: delay, load, skills, max_tasks', () => {
    const late = jobs.map((j) => (j.id === 1 ? { ...j, time_windows: [[0, 5]] as [number, number][] } : j.id === 2 ? { ...j, skills: [4] } : j));
    const problem = problemOn(line, late, [
      { id: 1, start_index: 0, end_index: 0, capacity: [2], max_tasks: 2, steps: [3, 1, 2].map((id) => ({ type: 'job' as const, id })) },
    ]);
    const solution = solve(problem, { mode: 'plan' });
    expect(solution.code).toBe(0);
    const steps = solution.routes[0]!.steps;
    expect(steps[0]!.violations).toEqual([{ cause: 'load' }]);
    expect(steps[2]!.violations).toEqual([{ cause: 'delay', duration: 50 }]);
    expect(steps[3]!.violations).toEqual([{ cause: 'skills' }]);
    expect(solution.routes[0]!.violations.map((v) => v.cause).sort()).toEqual(['delay', 'load', 'max_tasks', 'skills']);
    expect(solution.summary.violations.length).toBeGreaterThan(0);
    const check = checkSolution(problem, solution);
    expect(check.feasible).toBe(false);
    expect(new Set(check.issues.map((i) => i.code))).toEqual(new Set(['capacity', 'time_window', 'skills', 'max_tasks']));
  });

  it('flags service earlier than service_after (lead_time) and later than service_before (delay)', () => {
    const problem = problemOn(line, jobs, [
      {
        id: 1,
        start_index: 0,
        end_index: 0,
        capacity: [5],
        steps: [
          { type: 'job', id: 1, service_after: 25 },
          { type: 'job', id: 2, service_before: 20 },
          { type: 'job', id: 3, service_at: 40 },
        ],
      },
    ]);
    const solution = solve(problem, { mode: 'plan' });
    expectFeasible(problem, solution); // the schedule itself is sound; service_* are the dispatcher's wishes
    const steps = solution.routes[0]!.steps;
    // Arrivals: 10, 25, 40 (5 s of service each, no waiting).
    expect(steps[1]!.violations).toEqual([{ cause: 'lead_time', duration: 15 }]);
    expect(steps[2]!.violations).toEqual([{ cause: 'delay', duration: 5 }]);
    expect(steps[3]!.violations).toEqual([]);
    expect(solution.routes[0]!.violations.map((v) => v.cause).sort()).toEqual(['delay', 'lead_time']);
  });

  it('flags a delivery planned before its pickup', () => {
    const problem: VroomProblem = {
      ...problemOn(line, [], [
        { id: 1, start_index: 0, end_index: 0, steps: [{ type: 'delivery', id: 12 }, { type: 'pickup', id: 11 }] },
      ]),
      shipments: [{ pickup: { id: 11, location_index: 1 }, delivery: { id: 12, location_index: 2 } }],
    };
    const solution = solve(problem, { mode: 'plan' });
    expect(solution.routes[0]!.violations.map((v) => v.cause)).toContain('precedence');
    expect(checkSolution(problem, solution).issues.map((i) => i.code)).toContain('precedence');
  });

  it('lists tasks in no route as unassigned, with a reason', () => {
    const problem = problemOn(line, jobs, [{ id: 1, start_index: 0, end_index: 0, capacity: [5], steps: [{ type: 'job', id: 2 }] }]);
    const solution = solve(problem, { mode: 'plan' });
    expectFeasible(problem, solution);
    expect(solution.unassigned.map((u) => u.id)).toEqual([1, 3]);
    expect(solution.unassigned.every((u) => u.reason === 'not_profitable')).toBe(true);
  });
});

describe('vehicle.steps in optimize mode', () => {
  it('keeps a locked prefix first and on its vehicle, and plans the rest around it', () => {
    const problem = problemOn(line, jobs, [
      { id: 1, start_index: 0, end_index: 0, capacity: [5], steps: [{ type: 'job', id: 3, locked: true }] },
      { id: 2, start_index: 0, end_index: 0, capacity: [5] },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 100 } });
    expectFeasible(problem, solution);
    expect(routeIds(solution, 1)[0]).toBe(3);
    // Unlocked, the best plan is one route 1,2,3 back; with 3 first, 3,2,1 back costs the same 60.
    expect(solution.summary.cost).toBeCloseTo(60, 9);
  });

  it('keeps locked steps in their relative order on their vehicle', () => {
    const problem = problemOn(line, jobs, [
      { id: 1, start_index: 0, end_index: 0, steps: [{ type: 'job', id: 1 }, { type: 'job', id: 3, locked: true }, { type: 'job', id: 2, locked: true }] },
      { id: 2, start_index: 0, end_index: 0 },
    ]);
    const solution = solve(problem, { stop: { maxIterations: 100 } });
    expectFeasible(problem, solution);
    const order = routeIds(solution, 1);
    expect(order.indexOf(3)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(3)).toBeLessThan(order.indexOf(2));
  });

  it('plans around a locked stop the driver is already late for', () => {
    const late = jobs.map((j) => (j.id === 1 ? { ...j, time_windows: [[0, 5]] as [number, number][] } : j));
    const problem = problemOn(line, late, [{ id: 1, start_index: 0, end_index: 0, capacity: [5], steps: [{ type: 'job', id: 1, locked: true }] }]);
    const solution = solve(problem, { stop: { maxIterations: 50 } });
    expect(routeIds(solution, 1)).toEqual([1, 2, 3]);
    expect(solution.routes[0]!.steps[1]!.violations).toEqual([{ cause: 'delay', duration: 5 }]);
    // The lateness is the only flaw the checker finds.
    expect(checkSolution(problem, solution).issues.map((i) => [i.code, i.job])).toEqual([['time_window', 1]]);
  });

  it('reports a break taken above its max_load on the step, the route and the summary', () => {
    // The window closes before the first stop is done: the break is taken at the start, 3 units aboard.
    const problem = problemOn(line, jobs, [
      { id: 1, start_index: 0, end_index: 0, capacity: [5], breaks: [{ id: 7, time_windows: [[0, 5]], service: 10, max_load: [2] }], steps: [1, 2, 3].map((id) => ({ type: 'job' as const, id })) },
    ]);
    const solution = solve(problem, { mode: 'plan' });
    expect(solution.code).toBe(0);
    const route = solution.routes[0]!;
    const rest = route.steps.find((s) => s.type === 'break')!;
    expect(rest.load).toEqual([3]);
    expect(rest.violations).toEqual([{ cause: 'max_load' }]);
    expect(route.violations.map((v) => v.cause)).toContain('max_load');
    expect(solution.summary.violations.map((v) => v.cause)).toContain('max_load');
    expect(checkSolution(problem, solution).issues.map((i) => i.code)).toEqual(['break']);
  });

  it('puts off a break while the load is above its max_load and its window allows', () => {
    // The break would fit in the wait before job 1 (window opens at 100), but 3 units are aboard then.
    const waiting = jobs.map((j) => (j.id === 1 ? { ...j, time_windows: [[100, 200]] as [number, number][] } : j));
    const problem = problemOn(line, waiting, [
      { id: 1, start_index: 0, end_index: 0, capacity: [5], breaks: [{ id: 7, time_windows: [[0, 1000]], service: 10, max_load: [2] }], steps: [1, 2, 3].map((id) => ({ type: 'job' as const, id })) },
    ]);
    const solution = solve(problem, { mode: 'plan' });
    expectFeasible(problem, solution);
    const steps = solution.routes[0]!.steps;
    const at = steps.findIndex((s) => s.type === 'break');
    expect(at).toBeGreaterThan(steps.findIndex((s) => s.type === 'job' && s.id === 1));
    expect(steps[at]!.load[0]).toBeLessThanOrEqual(2);
    expect(solution.routes[0]!.violations).toEqual([]);
  });

  it('answers code 2 for a step naming an unknown job', () => {
    const problem = problemOn(line, jobs, [{ id: 1, start_index: 0, end_index: 0, steps: [{ type: 'job', id: 99 }] }]);
    const solution = solve(problem, { mode: 'plan' });
    expect(solution.code).toBe(2);
    expect(solution.error).toMatch(/steps\[0\]/);
  });
});
