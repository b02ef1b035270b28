/**
 * Solves on a piscina pool of worker threads: one task per seed, all at once, the best kept. The main thread
 * only validates, encodes the matrices once into shared memory (benchmarks/optimize-matrix-transfer.ts) and
 * checks the answer, so the HTTP event loop stays free while the workers search.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import Piscina from 'piscina';
import type { Logger } from 'pino';
import type { SolveProgress, VroomSolution } from '../../solver/index';
import { SOLVER_WORKER_FILENAME, type SolveTask } from '../../solver/worker';
import { splitMatrices } from '../../solver/worker-transfer';
import { assertValidProblem, defaultSeeds, keepBest, runProgress, type SolverRunner } from './runner';

export interface PoolSolverOptions {
  /** Worker threads; default the number of cores. */
  threads?: number;
  log?: Logger;
}

export function createPoolSolver({ threads = availableParallelism(), log }: PoolSolverOptions = {}): SolverRunner {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`solver threads must be an integer ≥ 1, got ${threads}`);
  const pool = new Piscina<SolveTask, VroomSolution>({ filename: SOLVER_WORKER_FILENAME, minThreads: threads, maxThreads: threads });

  return {
    threads,
    async solve(problem, { seeds = defaultSeeds(threads), timeLimitMs, maxIterationsWithoutImprovement, signal, onProgress }) {
      assertValidProblem(problem);
      const started = performance.now();
      const cancelled = () => ({ status: 'cancelled' as const, elapsedMs: performance.now() - started });
      if (signal?.aborted) return cancelled();
      const { problem: withoutMatrices, matrices } = splitMatrices(problem, { shared: true });
      // One seed failing stops the others: their work would be thrown away.
      const failed = new AbortController();
      const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
      const ports: MessagePort[] = [];
      const runs = seeds.map((seed) => {
        const task: SolveTask = { problem: withoutMatrices, flatMatrices: matrices, options: { seed, stop: { timeLimitMs, maxIterationsWithoutImprovement } } };
        if (!onProgress) return pool.run(task, { signal: stop });
        const { port1, port2 } = new MessageChannel();
        ports.push(port1);
        port1.on('message', (progress: SolveProgress) => onProgress(runProgress(seed, progress)));
        return pool.run({ ...task, progressPort: port2 }, { signal: stop, transferList: [port2] });
      });
      try {
        const solutions = await Promise.all(runs);
        return { status: 'solved', ...keepBest(problem, seeds, solutions, log), elapsedMs: performance.now() - started };
      } catch (error) {
        // Piscina rejects every aborted task, and ends the threads that were running them.
        failed.abort();
        await Promise.allSettled(runs);
        if (signal?.aborted) return cancelled();
        throw error;
      } finally {
        for (const port of ports) port.close();
      }
    },
    close: () => pool.destroy(),
  };
}
