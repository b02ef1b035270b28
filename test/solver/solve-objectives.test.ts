import { describe, expect, it } from 'vitest';
import { checkSolution, solve, validateProblem, type VroomOptions, type VroomProblem } from '../../solver/index';
import { expectFeasible, randomInstance } from './solve-fixtures';

const matrix = (rows: number[][]) => ({ car: { durations: rows } });

describe('solve: route cost by working time, fewest vehicles, work balance', () => {
  it('leaves as late as the route allows: the wait a later start removes is gone, the one it cannot stays', () => {
    const travel = 100;
    const first = { open: 1000, close: 2000 };
    const second = { open: 3000, close: 3100 };
    const service = 60;
    const problem: VroomProblem = {
      vehicles: [{ id: 1, start_index: 0, end_index: 0, time_window: [0, 10_000] }],
      jobs: [
        { id: 1, location_index: 1, service, time_windows: [[first.open, first.close]] },
        { id: 2, location_index: 2, service, time_windows: [[second.open, second.close]] },
      ],
      matrices: matrix([
        [0, travel, travel],
        [travel, 0, travel],
        [travel, travel, 0],
      ]),
      options: { route_cost: 'working_time' },
    };
    const solution = solve(problem, { seed: 1 });
    expectFeasible(problem, solution);
    // Job 2 opens long after job 1 closes: job 1 is served at its close at the latest, so the van leaves one leg before it.
    const departure = first.close - travel;
    const leftWaiting = second.open - (first.close + service + travel);
    const [start, one, two, end] = solution.routes[0]!.steps;
    expect(start!.arrival).toBe(departure);
    expect(one).toMatchObject({ id: 1, arrival: first.close, waiting_time: 0 });
    expect(two).toMatchObject({ id: 2, arrival: first.close + service + travel, waiting_time: leftWaiting });
    expect(end!.arrival).toBe(second.open + service + travel);
    expect(solution.summary.waiting_time).toBe(leftWaiting);
    // Paid from departure to return at the default 3600 per hour: one unit per second.
    expect(solution.summary.cost).toBe(end!.arrival - departure);
    expect(checkSolution(problem, solution).feasible).toBe(true);

    // VROOM's travel cost: same times, the cost is the travel alone.
    const byTravel = solve({ ...problem, options: {} }, { seed: 1 });
    expect(byTravel.routes[0]!.steps[0]!.arrival).toBe(departure);
    expect(byTravel.summary.cost).toBe(3 * travel);
  });

  it('has the checker recompute the working-time cost: a solution costed by travel fails it', () => {
    const problem = randomInstance(30, 5, 11);
    const paid: VroomProblem = { ...problem, options: { route_cost: 'working_time' } };
    const solution = solve(paid, { seed: 3, stop: { maxIterations: 200 } });
    expectFeasible(paid, solution);
    for (const route of solution.routes) {
      const span = route.steps.at(-1)!.arrival - route.steps[0]!.arrival;
      expect(route.cost).toBeCloseTo(span, 6);
    }
    const byTravel = solve(problem, { seed: 3, stop: { maxIterations: 200 } });
    const issues = checkSolution(paid, byTravel).issues.map((issue) => issue.code);
    expect(issues).toContain('cost_mismatch');
    const tampered = structuredClone(solution);
    tampered.routes[0]!.cost -= 1;
    expect(checkSolution(paid, tampered).issues.map((issue) => issue.code)).toContain('cost_mismatch');
  });

  it('working time fills a wait with a stop that travel cost puts at an end', () => {
    // B opens at 1000, C at 3000; A (any time, 500 s of service) is 10 s from the depot, 105 s from B and C.
    // By travel, A goes first or last (315 s against 410 s in the middle); by working time, in the gap between B and C.
    const problem: VroomProblem = {
      vehicles: [{ id: 1, start_index: 0, end_index: 0 }],
      jobs: [
        { id: 1, location_index: 3, service: 500 },
        { id: 2, location_index: 1, service: 10, time_windows: [[1000, 1010]] },
        { id: 3, location_index: 2, service: 10, time_windows: [[3000, 3010]] },
      ],
      matrices: matrix([
        [0, 100, 100, 10],
        [100, 0, 100, 105],
        [100, 100, 0, 105],
        [10, 105, 105, 0],
      ]),
    };
    const order = (solution: ReturnType<typeof solve>) => solution.routes[0]!.steps.filter((step) => step.type === 'job').map((step) => step.id);
    const byTravel = solve(problem, { seed: 1 });
    expect(byTravel.summary.cost).toBe(315);
    expect(order(byTravel)).not.toEqual([2, 1, 3]);
    const paid: VroomProblem = { ...problem, options: { route_cost: 'working_time' } };
    const solution = solve(paid, { seed: 1 });
    expectFeasible(paid, solution);
    expect(order(solution)).toEqual([2, 1, 3]);
    // Leaves to reach B at its close (the wait before C is left whatever the start), returns 100 s after C: 910 … 3110.
    expect(solution.routes[0]!.steps[0]!.arrival).toBe(1010 - 100);
    expect(solution.summary.cost).toBe(3010 + 100 - (1010 - 100));
  });

  it('minimize vehicles serves everything with one van where the cheapest plan takes two', () => {
    // Two places each 100 s from the depot but 1000 s from each other (no triangle inequality): two vans drive 400 s, one 1200 s.
    const problem: VroomProblem = {
      vehicles: [
        { id: 1, start_index: 0, end_index: 0 },
        { id: 2, start_index: 0, end_index: 0 },
      ],
      jobs: [
        { id: 1, location_index: 1 },
        { id: 2, location_index: 2 },
      ],
      matrices: matrix([
        [0, 100, 100],
        [100, 0, 1000],
        [100, 1000, 0],
      ]),
    };
    const cheapest = solve(problem, { seed: 1 });
    expect(cheapest.routes).toHaveLength(2);
    expect(cheapest.summary.cost).toBe(400);
    const fewest: VroomProblem = { ...problem, options: { minimize: 'vehicles' } };
    const solution = solve(fewest, { seed: 1 });
    expectFeasible(fewest, solution);
    expect(solution.routes).toHaveLength(1);
    expect(solution.summary.cost).toBe(1200);
  });

  it('minimize vehicles never uses more routes than the cost objective on random instances, and keeps every task', () => {
    for (const seed of [1, 2, 3]) {
      const problem = randomInstance(40, 10, seed);
      const byCost = solve(problem, { seed, stop: { maxIterations: 400 } });
      const fewest: VroomProblem = { ...problem, options: { minimize: 'vehicles' } };
      const solution = solve(fewest, { seed, stop: { maxIterations: 400 } });
      expectFeasible(fewest, solution);
      expect(solution.summary.unassigned).toBeLessThanOrEqual(byCost.summary.unassigned);
      if (solution.summary.unassigned === byCost.summary.unassigned) expect(solution.routes.length).toBeLessThanOrEqual(byCost.routes.length);
    }
  });

  it('balance gives the long job a van of its own when the split costs the same', () => {
    // Three jobs at one place 100 s away, at most two per van: {long, short} + {short} works 4200 s + 1200 s,
    // {short, short} + {long} works 2200 s + 3200 s: the same total, the second closer to the average of 2700 s.
    const problem: VroomProblem = {
      vehicles: [
        { id: 1, start_index: 0, end_index: 0, max_tasks: 2 },
        { id: 2, start_index: 0, end_index: 0, max_tasks: 2 },
      ],
      jobs: [
        { id: 1, location_index: 1, service: 3000 },
        { id: 2, location_index: 1, service: 1000 },
        { id: 3, location_index: 1, service: 1000 },
      ],
      matrices: matrix([
        [0, 100],
        [100, 0],
      ]),
      options: { route_cost: 'working_time', minimize: 'balance' },
    };
    for (const seed of [1, 2, 3]) {
      const solution = solve(problem, { seed });
      expectFeasible(problem, solution);
      const long = solution.routes.find((route) => route.steps.some((step) => step.id === 1 && step.type === 'job'))!;
      expect(long.steps.filter((step) => step.type === 'job')).toHaveLength(1);
      expect(solution.summary.cost).toBe(5400);
    }
  });

  it('stays deterministic by seed with every option', () => {
    const problem = randomInstance(40, 8, 5);
    const variants: VroomOptions[] = [{ route_cost: 'working_time' }, { minimize: 'vehicles' }, { route_cost: 'working_time', minimize: 'balance', balance_weight: 2 }];
    for (const options of variants) {
      const withOptions = { ...problem, options };
      const first = solve(withOptions, { seed: 9, stop: { maxIterations: 200 } });
      expectFeasible(withOptions, first);
      expect(solve(withOptions, { seed: 9, stop: { maxIterations: 200 } })).toEqual(first);
    }
  });

  it('refuses a bad option naming it', () => {
    const problem = randomInstance(5, 1, 1);
    const issues = (options: unknown) => validateProblem({ ...problem, options }).map((issue) => `${issue.path}: ${issue.code}`);
    expect(issues({ minimize: 'fastest' })).toEqual(['options.minimize: invalid_value']);
    expect(issues({ route_cost: 3 })).toEqual(['options.route_cost: invalid_value']);
    expect(issues({ minimize: 'balance', balance_weight: -1 })).toEqual(['options.balance_weight: invalid_value']);
    expect(issues({ balance_weight: 1 })).toEqual(['options.balance_weight: invalid_value']);
    expect(issues({ minimize: 'vehicles', route_cost: 'working_time' })).toEqual([]);
    expect(solve({ ...problem, options: { minimize: 'fastest' } } as unknown as VroomProblem).code).toBe(2);
  });
});
