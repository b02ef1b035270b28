import { describe, expect, it } from 'vitest';
import { solve, type SolveProgress } from '../../solver/index';
import { expectFeasible, randomInstance } from './solve-fixtures';

describe('solve: determinism, stopping, progress, bad input', () => {
  it('gives the same output for the same problem, seed and iteration budget', () => {
    const problem = randomInstance(40, 8, 7);
    const first = solve(problem, { seed: 42, stop: { maxIterations: 300 } });
    const second = solve(problem, { seed: 42, stop: { maxIterations: 300 } });
    expectFeasible(problem, first);
    expect(second).toEqual(first);
    const other = solve(problem, { seed: 43, stop: { maxIterations: 300 } });
    expectFeasible(problem, other);
    expect(other.stats!.seed).toBe(43);
  });

  it('improves on its first solution and reports each improvement', () => {
    const problem = randomInstance(40, 8, 3);
    const progress: SolveProgress[] = [];
    const solution = solve(problem, { stop: { maxIterations: 500 }, onProgress: (p) => progress.push(p) });
    expectFeasible(problem, solution);
    const history = solution.stats!.history!;
    expect(history.length).toBeGreaterThan(1);
    expect(history.at(-1)![1]).toBeLessThan(history[0]![1]);
    expect(solution.summary.cost).toBeCloseTo(history.at(-1)![1], 6);
    expect(progress.length).toBeGreaterThanOrEqual(solution.stats!.improvements);
    expect(progress.at(-1)!.bestCost).toBeCloseTo(solution.summary.cost, 6);
  });

  it('replays a time-limited run exactly from the iteration count it reports', () => {
    const problem = randomInstance(60, 8, 11);
    const timed = solve(problem, { seed: 5, stop: { timeLimitMs: 400 }, clock: () => performance.now() });
    expectFeasible(problem, timed);
    const iterations = timed.stats!.iterations;
    expect(iterations).toBeGreaterThan(0);
    const replayed = solve({ ...problem, options: { replay: [{ seed: 5, iterations }] } }, { seed: 5 });
    expectFeasible(problem, replayed);
    expect(replayed.routes).toEqual(timed.routes);
    expect(replayed.summary.cost).toBe(timed.summary.cost);
    expect(replayed.stats).toEqual(timed.stats);
    // One iteration fewer is another run: the count is what makes the replay exact.
    const shorter = solve(problem, { seed: 5, stop: { replayIterations: iterations - 1 } });
    expect(shorter.stats!.iterations).toBe(iterations - 1);
    expect(shorter.stats!.history).toEqual(timed.stats!.history!.filter(([at]) => at <= iterations - 1));
  });

  it.each(['vehicles', 'balance'] as const)('replays a time-limited run minimising %s, whose first phase ends by the clock', (minimize) => {
    const problem = { ...randomInstance(60, 8, 11), options: { minimize } };
    const timed = solve(problem, { seed: 5, stop: { timeLimitMs: 400 }, clock: () => performance.now() });
    expectFeasible(problem, timed);
    const { iterations, phase_iterations } = timed.stats!;
    expect(phase_iterations).toBeGreaterThanOrEqual(0);
    expect(phase_iterations).toBeLessThanOrEqual(iterations);
    const replayed = solve({ ...problem, options: { minimize, replay: [{ seed: 5, iterations, phase_iterations }] } }, { seed: 5 });
    expect(replayed.routes).toEqual(timed.routes);
    expect(replayed.summary.cost).toBe(timed.summary.cost);
    expect(replayed.stats).toEqual(timed.stats);
  });

  it('stops at the time limit on the caller clock', () => {
    let now = 0;
    const clock = () => (now += 10); // every reading advances 10 ms
    const problem = randomInstance(20, 4, 1);
    const solution = solve(problem, { clock, stop: { timeLimitMs: 1000 } });
    expectFeasible(problem, solution);
    expect(solution.stats!.iterations).toBeGreaterThan(10);
    expect(solution.stats!.iterations).toBeLessThan(110);
  });

  it('stops after the given iterations without improvement', () => {
    const problem = randomInstance(20, 4, 1);
    const solution = solve(problem, { stop: { maxIterationsWithoutImprovement: 50 } });
    expectFeasible(problem, solution);
    const lastImprovement = solution.stats!.history!.at(-1)![0];
    expect(solution.stats!.iterations).toBe(lastImprovement + 50);
  });

  it('returns its best so far when aborted', () => {
    const signal = { aborted: false };
    const problem = randomInstance(30, 6, 2);
    const solution = solve(problem, {
      stop: { maxIterations: 100_000 },
      signal,
      onProgress: (p) => {
        if (p.iteration >= 20) signal.aborted = true;
      },
    });
    expectFeasible(problem, solution);
    expect(solution.stats!.iterations).toBeLessThan(600);
  });

  it('answers bad input with code 2 and the field at fault, never a throw', () => {
    const problem = randomInstance(5, 1, 1);
    problem.jobs![2]!.location_index = 99;
    const solution = solve(problem);
    expect(solution.code).toBe(2);
    expect(solution.error).toMatch(/jobs\[2\]\.location_index/);
    expect(solve({} as never).code).toBe(2);
    expect(solve(null as never).code).toBe(2);
  });

  it('answers code 1 instead of throwing when the run itself fails', () => {
    const solution = solve(randomInstance(10, 2, 1), {
      stop: { maxIterations: 10 },
      onProgress: () => {
        throw new Error('listener broke');
      },
    });
    expect(solution.code).toBe(1);
    expect(solution.error).toMatch(/listener broke/);
  });

  it('solves a problem without jobs to an empty plan', () => {
    const problem = { jobs: [], vehicles: [{ id: 1, start_index: 0 }], matrices: { car: { durations: [[0]] } } };
    const solution = solve(problem);
    expectFeasible(problem, solution);
    expect(solution.routes).toEqual([]);
    expect(solution.summary.cost).toBe(0);
  });
});
