/**
 * The one way the service solves: a SolverRunner takes a VROOM problem, runs one or more seeds under a time
 * limit, and answers the best solution by VROOM's hierarchy, re-verified by the independent checker.
 * One implementation, pool-solver.ts, for the service, the CLI, benchmarks and tests alike.
 */
import type { Logger } from 'pino';
import { checkSolution, solutionScore, validateProblem, type CheckIssue, type CheckResult, type SolveProgress, type ValidationIssue, type VroomProblem, type VroomSolution } from '../../solver/index';
import type { FlatMatrices } from '../../solver/worker-transfer';
import { invalidInput, type AppError, type ErrorDetail } from '../errors';

export interface RunProgress {
  seed: number;
  bestCost: number;
  unassigned: number;
  elapsedMs: number;
  iteration: number;
  routes: number;
}

export const runProgress = (seed: number, { bestCost, unassigned, elapsedMs, iteration, routes }: SolveProgress): RunProgress => ({ seed, bestCost, unassigned, elapsedMs, iteration, routes });

export interface SolveRunOptions {
  /** One run per seed; default: one per thread, 1, 2, 3 … */
  seeds?: number[];
  /**
   * Each run's search time; it then answers its best solution. A run waiting for a free thread gets its full
   * search time once it starts (quality over punctuality), and building the first solution comes on top.
   */
  timeLimitMs?: number;
  /** Also stop a run this many iterations after its last improvement: small problems finish in milliseconds. */
  maxIterationsWithoutImprovement?: number;
  /** Stop each run after this many iterations (reproducible runs, warm-ups). */
  maxIterations?: number;
  /** Abort: the run answers `cancelled`, never a partial result. */
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /** The problem's matrices flat on shared memory (the problem then has none): they reach the threads uncopied. */
  flatMatrices?: FlatMatrices;
}

export type SolveOutcome =
  | { status: 'solved'; solution: VroomSolution; seed: number; elapsedMs: number }
  | { status: 'cancelled'; elapsedMs: number };

export interface SolverRunner {
  readonly threads: number;
  /** Throws invalidInput (400, every issue listed) for a bad problem, SolutionCheckError for a bad answer. */
  solve(problem: VroomProblem, options: SolveRunOptions): Promise<SolveOutcome>;
  close(): Promise<void>;
}

/** A solver answer the checker refuses: a bug, reported as an internal error, never handed out. */
export class SolutionCheckError extends Error {
  constructor(readonly issues: CheckIssue[]) {
    super(`the solver's solution failed the independent check: ${issues.slice(0, 3).map((issue) => issue.message).join('; ')}`);
    this.name = 'SolutionCheckError';
  }
}

/** 400 listing every issue, the way the service answers a bad problem. */
export function invalidProblem(details: ErrorDetail[]): AppError {
  return invalidInput(`The problem has ${details.length} issue${details.length === 1 ? '' : 's'}`, details);
}

export const issueDetail = ({ path, message, code }: ValidationIssue): ErrorDetail => ({ path, message, code });

export function assertValidProblem(problem: unknown): asserts problem is VroomProblem {
  const issues = validateProblem(problem);
  if (issues.length > 0) throw invalidProblem(issues.map(issueDetail));
}

/**
 * VROOM's hierarchy: a solution at all, then most priority served, then fewest unassigned, then (with the problem's
 * options) fewest vehicles, then least cost (with the balance penalty).
 */
export function isBetter(candidate: VroomSolution, incumbent: VroomSolution, problem?: VroomProblem): boolean {
  if ((candidate.code === 0) !== (incumbent.code === 0)) return candidate.code === 0;
  const a = candidate.summary;
  const b = incumbent.summary;
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.unassigned !== b.unassigned) return a.unassigned < b.unassigned;
  if (!problem || candidate.code !== 0) return a.cost < b.cost;
  const scoreA = solutionScore(problem, candidate);
  const scoreB = solutionScore(problem, incumbent);
  if (scoreA.vehicles !== scoreB.vehicles) return scoreA.vehicles < scoreB.vehicles;
  return scoreA.cost < scoreB.cost;
}

/**
 * The best of the seeds' solutions, checked; `solutions[i]` came from `seeds[i]`. `checks[i]`: its check, made on
 * the thread that solved it (the matrices are there); absent, the best is checked here against `problem`.
 */
export function keepBest(problem: VroomProblem, seeds: number[], solutions: VroomSolution[], log?: Logger, checks?: CheckResult[]): { solution: VroomSolution; seed: number } {
  let best = 0;
  for (let i = 1; i < solutions.length; i++) if (isBetter(solutions[i]!, solutions[best]!, problem)) best = i;
  const solution = solutions[best]!;
  // Code 2 is input the validation let through but the solver could not read: still the caller's to fix.
  if (solution.code === 2) throw invalidProblem([{ path: '', message: solution.error ?? 'the solver could not read the problem' }]);
  if (solution.code !== 0) throw new Error(`the solver failed (code ${solution.code}): ${solution.error ?? 'no reason given'}`);
  const check = checks?.[best] ?? checkSolution(problem, solution);
  if (!check.feasible) {
    log?.error({ seed: seeds[best], issues: check.issues }, 'solver solution failed the independent check');
    throw new SolutionCheckError(check.issues);
  }
  return { solution, seed: seeds[best]! };
}

export const defaultSeeds = (count: number) => Array.from({ length: count }, (_, index) => index + 1);
