import { buildInitialSolution } from './construct/initial';
import { buildProblem, ProblemInputError } from './model/problem';
import { Rng } from './model/rng';
import type { VroomInput, VroomSolution } from './model/vroom';
import { buildSolution, planRoutes, unassignedOf } from './plan';
import { anneal, type SolveProgress, type StoppingRule } from './search/anneal';
import { nearestTasks } from './search/neighbors';
import { validateProblem, type ValidationIssue } from './validate';

export type { SolveProgress, StoppingRule } from './search/anneal';

export interface SolveOptions {
  /** Default 1. The same problem, seed and iteration budget give the same solution. */
  seed?: number;
  /** Default: 2,000 iterations (DEFAULT_ITERATIONS). A time limit needs `clock`. */
  stop?: StoppingRule;
  /** Milliseconds, supplied by the caller: the solver never reads a clock itself. */
  clock?: () => number;
  /** Checked between iterations: an aborted run returns its best solution so far. */
  signal?: { readonly aborted: boolean };
  onProgress?: (progress: SolveProgress) => void;
  /** plan: routes fixed by vehicle.steps; arrivals, loads and violations computed, nothing reordered. */
  mode?: 'optimize' | 'plan';
  /**
   * The caller built the problem itself from checked data and asks for no validation pass (buildProblem still
   * refuses what it cannot read): a plan-mode check of one route repeated per quote spent a fifth of its time there.
   */
  validated?: boolean;
}

/** SISR's ruin grows along this many nearest tasks. */
const NEIGHBOURS = 64;

function emptySolution(code: 1 | 2, error: string): VroomSolution {
  return {
    code,
    error,
    summary: { cost: 0, routes: 0, unassigned: 0, setup: 0, service: 0, duration: 0, waiting_time: 0, priority: 0, delivery: [], pickup: [], violations: [] },
    unassigned: [],
    routes: [],
  };
}

/** Solves a VROOM-format problem. Never throws: bad input answers code 2 with the reason, a solver fault code 1. */
export function solve(input: VroomInput, options: SolveOptions = {}): VroomSolution {
  const outcome = solveOrReport(input, options);
  return 'issues' in outcome ? emptySolution(2, outcome.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')) : outcome.solution;
}

/** solve() for a caller that answers bad input field by field: the validation's issues, or the solution (one validation pass). */
export function solveOrReport(input: VroomInput, options: SolveOptions = {}): { issues: ValidationIssue[] } | { solution: VroomSolution } {
  const startedAt = options.clock?.();
  const issues = options.validated ? [] : validateProblem(input);
  if (issues.length > 0) return { issues };
  return { solution: solveValid(input, options, startedAt) };
}

function solveValid(input: VroomInput, options: SolveOptions, startedAt: number | undefined): VroomSolution {
  let problem;
  try {
    problem = buildProblem(input);
  } catch (error) {
    if (error instanceof ProblemInputError) return emptySolution(2, error.message);
    return emptySolution(2, `invalid problem: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    if (options.mode === 'plan') return planRoutes(problem, input);
    const seed = options.seed ?? 1;
    // options.replay (Lastmile): this seed's recorded iteration count takes the place of the stopping rule.
    const replayed = input.options?.replay?.find((run) => run.seed === seed);
    const stop = replayed ? { replayIterations: replayed.iterations, replayPhaseIterations: replayed.phase_iterations } : (options.stop ?? {});
    const rng = new Rng(seed);
    const neighbors = nearestTasks(problem, NEIGHBOURS);
    const { solution, locked, servable } = buildInitialSolution(problem, rng, neighbors);
    const outcome = anneal(solution, neighbors, locked, servable, rng, {
      stop,
      clock: options.clock,
      signal: options.signal,
      onProgress: options.onProgress,
      startedAt,
    });
    return buildSolution(problem, input, outcome.best, unassignedOf(problem, outcome.best), {
      seed,
      iterations: outcome.iterations,
      ...(outcome.phaseIterations !== undefined ? { phase_iterations: outcome.phaseIterations } : {}),
      improvements: outcome.improvements,
      history: outcome.history,
    });
  } catch (error) {
    if (error instanceof ProblemInputError) return emptySolution(2, error.message);
    // A broken invariant is a bug, but the caller still gets VROOM's answer shape (code 1) rather than a throw.
    return emptySolution(1, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
