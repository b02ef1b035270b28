/**
 * Runs one problem on several seeds at once, one worker thread per seed, and keeps the best solution
 * by VROOM's objective. With one thread it solves in-process: no worker start-up to pay for.
 */
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import { solve, type SolveProgress, type StoppingRule, type VroomProblem, type VroomSolution } from '../../solver/index';
import { SOLVER_WORKER_FILENAME, type SolveTask } from '../../solver/worker';
import { splitMatrices } from '../../solver/worker-transfer';
import { isBetter } from '../solving/runner';

export interface SeedsRequest {
  /** Seeds `seed`, `seed + 1`, … one per thread. */
  seed: number;
  stop?: StoppingRule;
  /** Each seed's improvements (and a heartbeat every so many iterations), as the solver reports them. */
  onProgress?: (seed: number, progress: SolveProgress) => void;
}

export class SolverPool {
  private readonly pool: Piscina<SolveTask, VroomSolution> | undefined;

  constructor(readonly threads: number) {
    this.pool = threads > 1 ? new Piscina({ filename: SOLVER_WORKER_FILENAME, minThreads: threads, maxThreads: threads }) : undefined;
  }

  async solveBest(problem: VroomProblem, request: SeedsRequest): Promise<VroomSolution> {
    const seeds = Array.from({ length: this.threads }, (_, index) => request.seed + index);
    const options = (seed: number) => ({ seed, ...(request.stop ? { stop: request.stop } : {}) });
    const { onProgress } = request;
    if (!this.pool) {
      const progress = onProgress && ((update: SolveProgress) => onProgress(request.seed, update));
      return solve(problem, { ...options(request.seed), clock: () => performance.now(), onProgress: progress });
    }
    // Matrices go once into shared memory that every seed's thread reads, instead of one copy per task.
    const { problem: withoutMatrices, matrices } = splitMatrices(problem, { shared: true });
    const solutions = await Promise.all(
      seeds.map(async (seed) => {
        const task: SolveTask = { problem: withoutMatrices, flatMatrices: matrices, options: options(seed) };
        if (!onProgress) return this.pool!.run(task);
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (update: SolveProgress) => onProgress(seed, update));
        try {
          return await this.pool!.run({ ...task, progressPort: port2 }, { transferList: [port2] });
        } finally {
          port1.close();
        }
      }),
    );
    return solutions.reduce((best, candidate) => (isBetter(candidate, best) ? candidate : best));
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
