/**
 * Solves on the calling thread, seeds one after another: no worker start-up, for tests and tiny problems.
 * The solver is synchronous, so an abort lands between seeds, not inside one.
 */
import type { Logger } from 'pino';
import { solve, type VroomSolution } from '../../solver/index';
import { assertValidProblem, defaultSeeds, keepBest, runProgress, type SolverRunner } from './runner';

export function createInlineSolver({ log }: { log?: Logger } = {}): SolverRunner {
  return {
    threads: 1,
    async solve(problem, { seeds = defaultSeeds(1), timeLimitMs, maxIterationsWithoutImprovement, signal, onProgress }) {
      assertValidProblem(problem);
      const started = performance.now();
      const solutions: VroomSolution[] = [];
      for (const seed of seeds) {
        // Let an abort issued by other code reach us before each seed.
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) return { status: 'cancelled', elapsedMs: performance.now() - started };
        const solution = solve(problem, {
          seed,
          stop: { timeLimitMs, maxIterationsWithoutImprovement },
          clock: () => performance.now(),
          onProgress: onProgress && ((progress) => onProgress(runProgress(seed, progress))),
        });
        solutions.push(solution);
      }
      return { status: 'solved', ...keepBest(problem, seeds, solutions, log), elapsedMs: performance.now() - started };
    },
    async close() {},
  };
}
