/**
 * The piscina entry: decodes one task and solves it on this worker thread. The worker owns the clock the
 * solver is given; the solver itself never reads one. Piscina loads `worker-loader.mjs`, which registers tsx first.
 */
import { setPriority } from 'node:os';
import { isMainThread, type MessagePort } from 'node:worker_threads';
import { checkSolution, solve, solveOrReport, type CheckResult, type SolveOptions, type SolveProgress, type ValidationIssue } from './index';
import type { VroomProblem, VroomSolution } from './model/vroom';
import { withFlatMatrices, type FlatMatrices } from './worker-transfer';

export interface SolveTask {
  /** Without matrices when they come as `flatMatrices`. */
  problem: VroomProblem;
  /** The matrices as flat (possibly shared) arrays, read as they are: see worker-transfer.ts. */
  flatMatrices?: FlatMatrices;
  options?: Pick<SolveOptions, 'seed' | 'stop' | 'mode'>;
  /**
   * Shared stop flag (an Int32Array over a SharedArrayBuffer): store 1 in element 0 and the run returns its
   * best solution so far. Aborting the piscina task instead ends the thread and loses that solution.
   */
  stopFlag?: Int32Array;
  /** Receives every SolveProgress (pass it in the task's transferList). */
  progressPort?: MessagePort;
}

// Searches yield to the server: on Linux this lowers only this worker thread's priority (nice 10), so the HTTP
// event loop and the database get a core as soon as they need one, and the search takes the rest. (The main thread
// imports this module too, for its file name.)
if (!isMainThread) {
  try {
    setPriority(10);
  } catch {
    // Not permitted here: the search runs at normal priority.
  }
}

/**
 * What to give piscina as `filename`. From TypeScript, worker-loader.mjs (worker threads do not inherit tsx's
 * loader; it registers it); compiled (the CLI in dist/cli), this module is bundled and its worker lies beside it.
 */
export const SOLVER_WORKER_FILENAME = new URL(import.meta.url.endsWith('.ts') ? './worker-loader.mjs' : './solver-worker.mjs', import.meta.url).href;

/** A verified run: the problem validated first, the solution re-checked by the independent checker, on this thread. */
export type VerifiedSolve = { issues: ValidationIssue[] } | { solution: VroomSolution; check: CheckResult };

/**
 * A solve that answers bad input with the validation's issues (one validation pass) and is re-checked after, here
 * where the matrices are: the caller's thread never reads a large problem's matrices at all (task name `solveVerified`).
 */
export function solveVerified(task: SolveTask): VerifiedSolve {
  const input = task.flatMatrices ? withFlatMatrices(task.problem, task.flatMatrices) : task.problem;
  const outcome = runTask(task, (options) => solveOrReport(input, options));
  return 'issues' in outcome ? outcome : { solution: outcome.solution, check: checkSolution(input, outcome.solution) };
}

export default function solveTask(task: SolveTask): VroomSolution {
  const input = task.flatMatrices ? withFlatMatrices(task.problem, task.flatMatrices) : task.problem;
  return runTask(task, (options) => solve(input, options));
}

/** Runs `run` with the task's options, its stop flag as the signal and its progress port, closed at the end. */
function runTask<T>({ options, stopFlag, progressPort }: SolveTask, run: (options: SolveOptions) => T): T {
  const signal = stopFlag && {
    get aborted() {
      return Atomics.load(stopFlag, 0) === 1;
    },
  };
  const onProgress = progressPort && ((progress: SolveProgress) => progressPort.postMessage(progress));
  try {
    return run({ ...options, clock: () => performance.now(), signal, onProgress });
  } finally {
    progressPort?.close();
  }
}
