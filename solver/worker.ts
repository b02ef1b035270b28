/**
 * The piscina entry: decodes one task and solves it on this worker thread. The worker owns the clock the
 * solver is given; the solver itself never reads one. Piscina loads `worker-loader.mjs`, which registers tsx first.
 */
import { solve, type SolveOptions } from './index';
import type { VroomProblem, VroomSolution } from './model/vroom';

export interface SolveTask {
  problem: VroomProblem;
  options?: Pick<SolveOptions, 'seed' | 'stop' | 'mode'>;
}

/** What to give piscina as `filename`: worker threads do not inherit tsx's loader, this file registers it. */
export const SOLVER_WORKER_FILENAME = new URL('./worker-loader.mjs', import.meta.url).href;

export default function solveTask(task: SolveTask): VroomSolution {
  return solve(task.problem, { ...task.options, clock: () => performance.now() });
}
