import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/check';
import { parseSolomon } from '../../solver/format/solomon';
import type { VroomProblem, VroomSolution } from '../../solver/model/vroom';
import { HOMBERGER_DIR, readBksSolutions, scheduleJobRoutes, scheduleSolution, type PlannedStep } from './check-fixtures';

const bksSolutions = readBksSolutions();
const instance = (name: string) => parseSolomon(readFileSync(join(HOMBERGER_DIR, `${name}.txt`), 'utf8'));
const codes = (problem: VroomProblem, solution: VroomSolution) => checkSolution(problem, solution).issues.map((issue) => issue.code);

describe('checkSolution on the published Gehring–Homberger best-known solutions', () => {
  it('has all 60 solution files', () => {
    expect(bksSolutions).toHaveLength(60);
  });

  it.each(bksSolutions.map((bks) => [bks.instance, bks] as const))('%s is feasible with the published distance', (_, bks) => {
    const { problem } = instance(bks.instance);
    const solution = scheduleJobRoutes(problem, bks.routes);
    const result = checkSolution(problem, solution);
    expect(result.issues).toEqual([]);
    expect(result.feasible).toBe(true);
    expect(bks.routes).toHaveLength(bks.vehicles);
    expect(Math.abs(result.distance - bks.distance)).toBeLessThanOrEqual(1e-3);
    // Solomon convention: travel time equals distance.
    expect(result.duration).toBeCloseTo(result.distance, 6);
  });
});

describe('checkSolution on mutated best-known solutions', () => {
  const bks = bksSolutions.find((candidate) => candidate.instance === 'C1_2_1')!;
  const { problem } = instance(bks.instance);
  const mutate = (change: (routes: number[][]) => void) => {
    const routes = bks.routes.map((route) => [...route]);
    change(routes);
    return scheduleJobRoutes(problem, routes);
  };

  it('flags a time window when two stops of a route are swapped', () => {
    const solution = mutate((routes) => {
      const route = routes[0]!;
      [route[0], route[route.length - 1]] = [route[route.length - 1]!, route[0]!];
    });
    expect(codes(problem, solution)).toContain('time_window');
  });

  it('flags capacity when two routes are merged', () => {
    const solution = mutate((routes) => {
      routes[0]!.push(...routes[1]!);
      routes.splice(1, 1);
    });
    const result = checkSolution(problem, solution);
    expect(result.feasible).toBe(false);
    expect(result.issues.find((issue) => issue.code === 'capacity')?.vehicle).toBe(1);
  });

  it('flags a customer that is dropped', () => {
    const dropped = bks.routes[2]![3]!;
    const solution = mutate((routes) => routes[2]!.splice(3, 1));
    const issues = checkSolution(problem, solution).issues;
    expect(issues).toEqual([expect.objectContaining({ code: 'missing_task', job: dropped })]);
  });

  it('accepts a dropped customer reported as unassigned', () => {
    const dropped = bks.routes[2]![3]!;
    const solution = mutate((routes) => routes[2]!.splice(3, 1));
    solution.unassigned.push({ id: dropped, type: 'job', reason: 'not_profitable' });
    solution.summary.unassigned = 1;
    expect(checkSolution(problem, solution).issues).toEqual([]);
  });

  it('flags a customer that is served twice', () => {
    const twice = bks.routes[4]![0]!;
    const solution = mutate((routes) => routes[4]!.push(twice));
    expect(codes(problem, solution)).toContain('duplicate_task');
  });

  it('flags a customer both served and unassigned', () => {
    const solution = mutate(() => {});
    solution.unassigned.push({ id: bks.routes[0]![0]!, type: 'job', reason: 'capacity' });
    solution.summary.unassigned = 1;
    expect(codes(problem, solution)).toEqual(['duplicate_task']);
  });

  it('flags reported totals that do not match the routes', () => {
    const solution = mutate(() => {});
    solution.summary.distance = solution.summary.distance! - 1;
    solution.routes[3]!.cost += 5;
    const issues = checkSolution(problem, solution).issues;
    expect(issues.map((issue) => issue.code).sort()).toEqual(['cost_mismatch', 'distance_mismatch']);
    expect(issues.find((issue) => issue.code === 'cost_mismatch')?.vehicle).toBe(4);
  });

  it('flags a step whose travel so far does not add up, once per route', () => {
    const solution = mutate(() => {});
    solution.routes[1]!.steps[3]!.distance! += 2;
    solution.routes[1]!.steps[4]!.distance! += 2;
    expect(checkSolution(problem, solution).issues).toEqual([expect.objectContaining({ code: 'distance_mismatch', vehicle: 2, step: 3 })]);
  });

  it('flags an arrival earlier than the travel allows', () => {
    const solution = mutate(() => {});
    const step = solution.routes[0]!.steps[2]!;
    step.waiting_time += step.arrival - (solution.routes[0]!.steps[1]!.arrival + 1);
    step.arrival = solution.routes[0]!.steps[1]!.arrival + 1;
    expect(codes(problem, solution)).toContain('schedule');
  });

  it('flags a route that returns after the depot closes', () => {
    const solution = mutate(() => {});
    const end = solution.routes[0]!.steps.at(-1)!;
    end.arrival = problem.vehicles[0]!.time_window![1] + 10;
    expect(codes(problem, solution)).toEqual(['shift']);
  });

  it('flags a route on a vehicle the problem does not have', () => {
    const solution = mutate(() => {});
    solution.routes[0]!.vehicle = 999;
    expect(codes(problem, solution)).toContain('unknown_vehicle');
  });

  it('reports a solver error as infeasible', () => {
    const solution = mutate(() => {});
    expect(checkSolution(problem, { ...solution, code: 2, error: 'bad input' })).toMatchObject({ feasible: false, issues: [{ code: 'solver_error' }] });
  });
});

describe('checkSolution on the richer VROOM constraints', () => {
  // Four locations on a line, 100 s and 1 km apart.
  const line = [0, 1, 2, 3].map((from) => [0, 1, 2, 3].map((to) => Math.abs(from - to) * 100));
  const meters = line.map((row) => row.map((seconds) => seconds * 10));
  const base = (): VroomProblem => ({
    jobs: [
      { id: 1, location_index: 1, service: 10, delivery: [2, 0], skills: [7] },
      { id: 2, location_index: 2, setup: 5, service: 10, pickup: [0, 3], time_windows: [[0, 50], [250, 400]] },
    ],
    shipments: [{ amount: [1, 1], pickup: { id: 10, location_index: 3 }, delivery: { id: 11, location_index: 1 } }],
    vehicles: [
      {
        id: 1,
        start_index: 0,
        end_index: 0,
        capacity: [3, 4],
        skills: [7],
        time_window: [0, 2000],
        costs: { fixed: 100, per_hour: 36, per_km: 2 },
        breaks: [{ id: 5, time_windows: [[300, 400]], service: 30, max_load: [3, 4] }],
      },
    ],
    matrices: { car: { durations: line, distances: meters } },
  });
  const plan = (problem: VroomProblem, steps: PlannedStep[]) => scheduleSolution(problem, new Map([[1, steps]]));
  const good: PlannedStep[] = [
    { type: 'job', id: 1 },
    { type: 'job', id: 2 },
    { type: 'break', id: 5 },
    { type: 'pickup', id: 10 },
    { type: 'delivery', id: 11 },
  ];

  it('accepts a route that respects every constraint, with the vehicle costs', () => {
    const problem = base();
    const solution = plan(problem, good);
    const result = checkSolution(problem, solution);
    expect(result.issues).toEqual([]);
    // 0→1→2→2→3→1→0: 100+100+0+100+200+100 s, 10 m per second.
    expect(result.duration).toBe(600);
    expect(result.distance).toBe(6000);
    expect(solution.summary.cost).toBeCloseTo(100 + (36 * 600) / 3600 + (2 * 6000) / 1000, 9);
  });

  it('flags a missing skill', () => {
    const problem = base();
    problem.vehicles[0]!.skills = [];
    expect(codes(problem, plan(problem, good))).toEqual(['skills']);
  });

  it('flags capacity in the second dimension', () => {
    const problem = base();
    problem.jobs![1]!.pickup = [0, 5];
    expect(codes(problem, plan(problem, good))).toEqual(expect.arrayContaining(['capacity']));
  });

  it('flags a break outside its window, a missing break and a break over its max load', () => {
    const problem = base();
    const late = plan(problem, [...good.filter((step) => step.type !== 'break'), { type: 'break', id: 5 }]);
    expect(codes(problem, late)).toEqual(['break']);
    expect(codes(problem, plan(problem, good.filter((step) => step.type !== 'break')))).toEqual(['missing_break']);
    problem.vehicles[0]!.breaks![0]!.max_load = [0, 0];
    expect(codes(problem, plan(problem, good))).toEqual(['break']);
  });

  it('flags a delivery before its pickup and a shipment split across vehicles', () => {
    const problem = base();
    const swapped = [...good.slice(0, 3), good[4]!, good[3]!];
    expect(codes(problem, plan(problem, swapped))).toContain('precedence');

    problem.vehicles.push({ ...problem.vehicles[0]!, id: 2, breaks: [] });
    const split = scheduleSolution(
      problem,
      new Map([
        [1, good.slice(0, 4)],
        [2, [good[4]!]],
      ]),
    );
    expect(codes(problem, split)).toContain('same_vehicle');
  });

  it('flags max_tasks, max_travel_time and max_distance', () => {
    const problem = base();
    Object.assign(problem.vehicles[0]!, { max_tasks: 3, max_travel_time: 599, max_distance: 5999 });
    expect(codes(problem, plan(problem, good)).sort()).toEqual(['max_distance', 'max_tasks', 'max_travel_time']);
  });

  it('uses the second time window and applies setup only when the location changes', () => {
    const problem = base();
    const solution = plan(problem, good);
    const job2 = solution.routes[0]!.steps[2]!;
    expect(job2.arrival + job2.waiting_time).toBe(250);
    expect(job2.setup).toBe(5);
    job2.setup = 0;
    expect(codes(problem, solution)).toContain('service_mismatch');
  });

  it('flags a locked step that moved', () => {
    const problem = base();
    problem.vehicles[0]!.steps = [{ type: 'job', id: 2, locked: true }];
    expect(codes(problem, plan(problem, good))).toEqual(['locked_step']);
    const reordered = [good[1]!, good[0]!, ...good.slice(2)];
    expect(codes(problem, plan(problem, reordered))).not.toContain('locked_step');
  });

  it('flags travel over a pair of locations with no road (null in the matrix)', () => {
    const problem = base();
    const durations = line.map((row) => [...row]) as (number | null)[][];
    durations[1]![2] = null;
    problem.matrices!.car!.durations = durations as number[][];
    const solution = plan(problem, good);
    expect(codes(problem, solution)).toContain('schedule');
    expect(checkSolution(problem, solution).duration).toBe(Infinity);
  });

  it('flags a task that is not in the problem', () => {
    const problem = base();
    const solution = plan(problem, good);
    solution.routes[0]!.steps[1]!.id = 99;
    expect(codes(problem, solution)).toEqual(expect.arrayContaining(['unknown_task', 'missing_task']));
  });
});
