import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInitialSolution } from '../../solver/construct/initial';
import { parseSolomon } from '../../solver/format/solomon';
import { solve, type VroomProblem } from '../../solver/index';
import { buildProblem } from '../../solver/model/problem';
import { Rng } from '../../solver/model/rng';
import { buildSolution, unassignedOf } from '../../solver/plan';
import { EJECT_BEFORE, EjectionSearch, ejectionPool, MAX_EJECTED } from '../../solver/search/ejection';
import { nearestTasks } from '../../solver/search/neighbors';
import { SearchRoute } from '../../solver/search/route';
import { SearchSolution } from '../../solver/search/solution';
import { expectFeasible } from './solve-fixtures';

/** The first `customers` customers of a Solomon instance (its vehicles and depot unchanged). */
function solomon(name: string, customers: number): VroomProblem {
  const { problem } = parseSolomon(readFileSync(join(import.meta.dirname, '../../data/benchmarks/solomon', `${name}.txt`), 'utf8'));
  return { ...problem, jobs: problem.jobs!.slice(0, customers) };
}

/** One route per task: the most routes a solution can have, Nagata & Bräysy's starting point. */
function oneRoutePerTask(input: VroomProblem): SearchSolution {
  const solution = new SearchSolution(buildProblem(input));
  for (let t = 0; t < solution.problem.taskCount; t++) {
    solution.routes[t]!.tasks = [t];
    solution.routeOf[t] = t;
  }
  solution.refresh();
  return solution;
}

const usedRoutes = (solution: SearchSolution) => solution.routes.filter((route) => route.length > 0).length;

describe('fleet minimisation by ejection pool', () => {
  it('takes 25 one-task routes of c101 down to the capacity bound, every task served and the checker content', () => {
    const input = solomon('c101', 25);
    const solution = oneRoutePerTask(input);
    const problem = solution.problem;
    const neighbors = nearestTasks(problem, 64);
    const iterations = ejectionPool(solution, neighbors, new Uint8Array(problem.taskCount), new Rng(1), (k) => k < 5000);
    // 460 units of demand on vans of 200: three is the fewest possible.
    expect(usedRoutes(solution)).toBe(3);
    // It stops there rather than spend its budget on a fleet that cannot shrink.
    expect(iterations).toBeLessThan(5000);
    expect(solution.unassigned).toEqual([]);
    expectFeasible(input, buildSolution(problem, input, solution.snapshot(), unassignedOf(problem, solution.snapshot())));
  });

  it('empties routes under tight windows (r101, 25 customers) to the best-known 8 from 25', () => {
    const input = solomon('r101', 25);
    const solution = oneRoutePerTask(input);
    const problem = solution.problem;
    ejectionPool(solution, nearestTasks(problem, 64), new Uint8Array(problem.taskCount), new Rng(2), (k) => k < 1500);
    expect(usedRoutes(solution)).toBe(8);
    expect(solution.unassigned).toEqual([]);
    expectFeasible(input, buildSolution(problem, input, solution.snapshot(), unassignedOf(problem, solution.snapshot())));
  });

  it('brings r204 down to its best-known 2 routes: moves within a route shorten it so the long routes take more', () => {
    // Wide windows and one horizon: the fleet is bound by route duration, which moves between routes only reshape.
    const input = solomon('r204', 100);
    const problem = buildProblem(input);
    const rng = new Rng(1);
    const neighbors = nearestTasks(problem, 64);
    const { solution } = buildInitialSolution(problem, rng, neighbors);
    const iterations = ejectionPool(solution, neighbors, new Uint8Array(problem.taskCount), rng, (k) => k < 8000);
    expect(usedRoutes(solution)).toBe(2);
    // 2 is also the capacity bound (1,458 units on vans of 1,000), where the pool stops.
    expect(iterations).toBeLessThan(8000);
    expect(solution.unassigned).toEqual([]);
    expectFeasible(input, buildSolution(problem, input, solution.snapshot(), unassignedOf(problem, solution.snapshot())));
  });

  it('minimize vehicles ends with fewer routes than the greedy first solution, checker-valid, and repeats by seed', () => {
    const input: VroomProblem = { ...solomon('r104', 50), options: { minimize: 'vehicles' } };
    const problem = buildProblem(input);
    const greedy = usedRoutes(buildInitialSolution(problem, new Rng(3), nearestTasks(problem, 64)).solution);
    const solution = solve(input, { seed: 3, stop: { maxIterations: 4000 } });
    expectFeasible(input, solution);
    expect(solution.unassigned).toEqual([]);
    expect(solution.routes.length).toBeLessThan(greedy);
    expect(solve(input, { seed: 3, stop: { maxIterations: 4000 } }).routes).toEqual(solution.routes);
  });

  it('finds the least failure-counter sum an exhaustive search over ejections finds, recomputing every candidate route', () => {
    for (const name of ['r104', 'rc101', 'c101']) {
      const problem = buildProblem(solomon(name, 60));
      const rng = new Rng(7);
      const neighbors = nearestTasks(problem, 64);
      const { solution } = buildInitialSolution(problem, rng, neighbors);
      // A tight fleet, its empty vehicles closed: most tasks then fit back only with ejections.
      ejectionPool(solution, neighbors, new Uint8Array(problem.taskCount), rng, (k) => k < 300);
      for (const route of solution.routes) route.closed = route.length === 0;
      const failures = new Float64Array(problem.taskCount).map(() => 1 + rng.int(6));
      const search = new EjectionSearch(solution, new Uint8Array(problem.taskCount), failures);
      let ejecting = 0;
      for (let trial = 0; trial < 12; trial++) {
        // Take a task out and ask where else it could go (its own route closed).
        const t = rng.int(problem.taskCount);
        const home = solution.routes[solution.routeOf[t]!]!;
        const before = home.tasks.slice();
        home.tasks = before.filter((task) => task !== t);
        home.update();
        solution.routeOf[t] = -1;
        home.closed = true;
        const found = search.best(t, rng);
        const sum = found ? found.ejected.reduce((total, e) => total + failures[e]!, 0) : Infinity;
        let least = Infinity;
        for (const route of solution.routes) {
          if (route.closed) continue;
          for (let position = 1; position <= route.length + 1; position++)
            for (const ejected of subsets(route.length, MAX_EJECTED)) {
              if (ejected.some((k) => k < position && k < position - EJECT_BEFORE)) continue;
              const cost = ejected.reduce((total, k) => total + failures[route.tasks[k - 1]!]!, 0);
              if (cost >= least) continue;
              const candidate = new SearchRoute(problem, route.vehicle);
              route.tasks.forEach((task, k) => {
                if (k + 1 === position) candidate.tasks.push(t);
                if (!ejected.includes(k + 1)) candidate.tasks.push(task);
              });
              if (position === route.length + 1) candidate.tasks.push(t);
              candidate.update();
              if (candidate.feasible) least = cost;
            }
        }
        expect(sum, `${name}, task ${t}`).toBe(least);
        if (sum > 0) ejecting++;
        home.closed = false;
        home.tasks = before;
        home.update();
        solution.routeOf[t] = home.vehicle;
      }
      // The comparison covers ejections, not only free places.
      expect(ejecting).toBeGreaterThan(0);
    }
  });
});

/** Every set of at most `size` positions out of 1..length, as ascending lists. */
function subsets(length: number, size: number): number[][] {
  const all: number[][] = [[]];
  for (let k = 1; k <= length; k++) for (const set of all.slice()) if (set.length < size) all.push([...set, k]);
  return all;
}
