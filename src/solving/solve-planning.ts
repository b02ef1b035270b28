/**
 * Planning end to end, as every plan run computes it (planning/compute-plan.ts): inputs → matrices from the road network → the
 * solver runner → a plan with road geometry. Cancelled runs answer `cancelled` and no plan. The matrices stay flat
 * (`problem.flatMatrices`); with the routing and the solver on worker threads nothing heavy runs on the caller's.
 */
import type { RoutingProvider } from '../routing/provider';
import type { VroomSolution } from '../../solver/index';
import { buildPlan, type Plan } from './plan-result';
import { buildPlanningProblem, type PlanningInput, type PlanningProblem } from './planning-problem';
import type { SolveRunOptions, SolverRunner } from './runner';

export type PlanningRun = Pick<SolveRunOptions, 'timeLimitMs' | 'seeds' | 'signal' | 'onProgress'>;

/** Milliseconds per phase. */
export interface PlanningTimings {
  matrixMs: number;
  solveMs: number;
  planMs: number;
}

export type PlanningOutcome =
  /** The VROOM problem and solution come along for storing, re-checking and later edits in plan mode. */
  | { status: 'planned'; plan: Plan; problem: PlanningProblem; solution: VroomSolution; seed: number; timings: PlanningTimings }
  | { status: 'cancelled' };

export async function solvePlanning(input: PlanningInput, { routing, solver }: { routing: RoutingProvider; solver: SolverRunner }, run: PlanningRun): Promise<PlanningOutcome> {
  let started = performance.now();
  // Flat from the road network to the solver's threads: a large day's matrices never become rows on this thread.
  const problem = await buildPlanningProblem(input, routing, { leaveOutUnroutable: true, flatMatrices: true });
  const matrixMs = performance.now() - started;
  if (run.signal?.aborted) return { status: 'cancelled' };
  started = performance.now();
  const outcome = await solver.solve(problem.vroom, { ...run, flatMatrices: problem.flatMatrices });
  const solveMs = performance.now() - started;
  if (outcome.status === 'cancelled') return { status: 'cancelled' };
  started = performance.now();
  const plan = await buildPlan(problem, outcome.solution, routing);
  const timings = { matrixMs, solveMs, planMs: performance.now() - started };
  return { status: 'planned', plan, problem, solution: outcome.solution, seed: outcome.seed, timings };
}
