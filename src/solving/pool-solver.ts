/**
 * The solver runner: one task per seed, the best kept and re-verified by the checker. With several threads the
 * seeds run at once on a piscina pool; the main thread only encodes the matrices once into shared memory
 * (benchmarks/optimize-matrix-transfer.ts), or takes them flat as a plan run builds them, and each thread validates
 * the problem, searches and checks its answer, so the HTTP event loop stays free while the workers work. With one thread the seeds run one after another in-process: no worker start-up to pay for
 * (the CLI's default, and the tests'); the solver is synchronous there, so an abort lands between seeds.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type Piscina from 'piscina';
import type { Logger } from 'pino';
import { solve, type CheckResult, type SolveProgress, type StoppingRule, type VroomProblem, type VroomSolution } from '../../solver/index';
import { SOLVER_WORKER_FILENAME, type SolveTask, type VerifiedSolve } from '../../solver/worker';
import { splitMatrices, withFlatMatrices } from '../../solver/worker-transfer';
import { assertValidProblem, defaultSeeds, invalidProblem, issueDetail, keepBest, runProgress, type SolveOutcome, type SolveRunOptions, type SolverRunner } from './runner';

export interface PoolSolverOptions {
  /** Worker threads; default the number of cores. 1: in-process. */
  threads?: number;
  /**
   * A thread idle this long ends and frees its memory (a 3,000-place run leaves hundreds of MB in each that its heap
   * keeps); the next run starts threads again. Default 60.
   */
  idleSeconds?: number;
  log?: Logger;
}

export function createPoolSolver({ threads = availableParallelism(), idleSeconds = 60, log }: PoolSolverOptions = {}): SolverRunner {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`solver threads must be an integer ≥ 1, got ${threads}`);
  // Loaded only for a pool: one thread (the CLI's default) starts without it.
  const Pool = threads > 1 ? (createRequire(import.meta.url)('piscina') as typeof Piscina) : null;
  const pool = Pool ? new Pool<SolveTask, VerifiedSolve>({ filename: SOLVER_WORKER_FILENAME, minThreads: 0, maxThreads: threads, idleTimeout: idleSeconds * 1000 }) : null;

  return {
    threads,
    async solve(problem, options) {
      // A replay runs exactly the recorded seeds (solve() gives each its recorded iteration count).
      const seeds = problem.options?.replay?.map((run) => run.seed) ?? options.seeds ?? defaultSeeds(threads);
      const started = performance.now();
      const withRuns = (best: ReturnType<typeof keepBest>, solutions: VroomSolution[]) => {
        if (best.solution.stats) best.solution.stats.runs = seeds.map((seed, i) => {
            const stats = solutions[i]!.stats;
            return { seed, iterations: stats?.iterations ?? 0, ...(stats?.phase_iterations !== undefined ? { phase_iterations: stats.phase_iterations } : {}) };
          });
        return best;
      };
      if (!pool) {
        const whole = options.flatMatrices ? withFlatMatrices(problem, options.flatMatrices) : problem;
        assertValidProblem(whole);
        const solutions = await inProcess(whole, seeds, options);
        if (!solutions) return { status: 'cancelled', elapsedMs: performance.now() - started };
        return { status: 'solved', ...withRuns(keepBest(whole, seeds, solutions, log), solutions), elapsedMs: performance.now() - started } satisfies SolveOutcome;
      }
      const runs = await onPool(pool, problem, seeds, options);
      if (!runs) return { status: 'cancelled', elapsedMs: performance.now() - started };
      const invalid = runs.find((run) => 'issues' in run);
      if (invalid && 'issues' in invalid) throw invalidProblem(invalid.issues.map(issueDetail));
      const verified = runs as { solution: VroomSolution; check: CheckResult }[];
      const solutions = verified.map((run) => run.solution);
      const best = withRuns(keepBest(problem, seeds, solutions, log, verified.map((run) => run.check)), solutions);
      return { status: 'solved', ...best, elapsedMs: performance.now() - started } satisfies SolveOutcome;
    },
    close: async () => pool?.destroy(),
  };
}

const stoppingRule = ({ timeLimitMs, maxIterations, maxIterationsWithoutImprovement }: SolveRunOptions): StoppingRule => ({ timeLimitMs, maxIterations, maxIterationsWithoutImprovement });

/** Null when aborted. */
async function inProcess(problem: VroomProblem, seeds: number[], options: SolveRunOptions): Promise<VroomSolution[] | null> {
  const { signal, onProgress } = options;
  const solutions: VroomSolution[] = [];
  for (const seed of seeds) {
    // Let an abort issued by other code reach us before each seed.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return null;
    const progress = onProgress && ((update: SolveProgress) => onProgress(runProgress(seed, update)));
    solutions.push(solve(problem, { seed, stop: stoppingRule(options), clock: () => performance.now(), onProgress: progress }));
  }
  return solutions;
}

/** Validation, search and check all on the pool's threads; null when aborted. */
async function onPool(pool: Piscina<SolveTask, VerifiedSolve>, problem: VroomProblem, seeds: number[], options: SolveRunOptions): Promise<VerifiedSolve[] | null> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return null;
  const { problem: withoutMatrices, matrices } = options.flatMatrices ? { problem, matrices: options.flatMatrices } : splitMatrices(problem, { shared: true });
  // One seed failing stops the others: their work would be thrown away.
  const failed = new AbortController();
  const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  const ports: MessagePort[] = [];
  const runs = seeds.map((seed) => {
    const task: SolveTask = { problem: withoutMatrices, flatMatrices: matrices, options: { seed, stop: stoppingRule(options) } };
    if (!onProgress) return pool.run(task, { signal: stop, name: 'solveVerified' });
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    port1.on('message', (progress: SolveProgress) => onProgress(runProgress(seed, progress)));
    return pool.run({ ...task, progressPort: port2 }, { signal: stop, transferList: [port2], name: 'solveVerified' });
  });
  try {
    return await Promise.all(runs);
  } catch (error) {
    // Piscina rejects every aborted task, and ends the threads that were running them.
    failed.abort();
    await Promise.allSettled(runs);
    if (signal?.aborted) return null;
    throw error;
  } finally {
    for (const port of ports) port.close();
  }
}
