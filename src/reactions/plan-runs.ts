/**
 * The plan run queue, kept in the plans table itself rather than pg-boss: the same code serves embedded PGlite
 * (pg-boss needs a PostgreSQL server) and PostgreSQL, and a plan's queue state can never disagree with the plan.
 * A worker claims the oldest queued plan with FOR UPDATE SKIP LOCKED, so several processes share the work, and
 * holds a lease it renews while the solver runs; when a process dies its lease runs out and any worker claims the
 * plan again, up to `maxAttempts` runs, after which the plan fails with the reason. Cancelling is a status change
 * every worker notices at its next renewal; the result is stored only while the plan is still the worker's.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { failPlanRun } from '../commands/fail-plan-run';
import { storePlanResult } from '../commands/store-plan-result';
import type { CommandContext } from '../commands/context';
import { repositories } from '../db/repositories';
import { AppError } from '../errors';
import type { RoutingProvider } from '../routing/provider';
import type { SolverRunner } from '../solving/runner';
import { computePlan } from '../planning/compute-plan';
import type { PlanProgress, PlanRecord } from '../domain/model/plan';

export interface PlanQueueOptions {
  context: CommandContext;
  solver: SolverRunner;
  routing: RoutingProvider;
  /** This worker's name in plan_runs. */
  owner?: string;
  leaseSeconds?: number;
  /** How often an idle worker looks for plans queued by other processes. */
  pollMs?: number;
  maxAttempts?: number;
  /** Only this process uses the database (PGlite): plans left running at start-up are orphans, claimed at once. */
  exclusiveDatabase?: boolean;
  log?: Logger;
}

const PROGRESS_EVENTS_PER_SECOND = 4;
/** The lease renewal also stores the progress, so pollers see it. */
const PROGRESS_WRITE_MS = 1000;

export class PlanQueue {
  readonly owner: string;
  private readonly leaseSeconds: number;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly running = new Map<number, AbortController>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: PlanQueueOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.pollMs = options.pollMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 2;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.options.exclusiveDatabase) await repositories(this.options.context.db).plans.expireAllLeases();
    this.loop = this.work();
  }

  /** A plan was queued here: look now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Aborts the plan's run if this worker is running it. */
  cancel(planId: number): void {
    this.running.get(planId)?.abort();
  }

  /** Stops claiming, aborts the run in progress and gives its plan back to the queue, waits for the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const controller of this.running.values()) controller.abort();
    this.wake();
    await this.loop;
  }

  private async work(): Promise<void> {
    const plans = repositories(this.options.context.db).plans;
    while (!this.stopped) {
      let plan: PlanRecord | null = null;
      try {
        plan = await plans.claimNext(this.owner, this.leaseSeconds);
      } catch (error) {
        this.options.log?.error({ err: error }, 'plan queue: claiming failed');
      }
      if (plan) await this.run(plan);
      else await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private async run(plan: PlanRecord): Promise<void> {
    const { context, solver, routing, log } = this.options;
    const plans = repositories(context.db).plans;
    await plans.abandonOrphanRuns(plan.id);
    if (plan.attempts > this.maxAttempts) {
      await failPlanRun(context, plan, { code: 'run_abandoned', message: `The plan's run stopped with its server ${plan.attempts - 1} times; giving up` });
      return;
    }
    const runId = await plans.insertRun(plan.id, plan.attempts, this.owner);
    context.events.publish('plan.status_changed', { planId: plan.id, depotId: plan.depotId, status: 'running', actor: 'system' });
    const controller = new AbortController();
    this.running.set(plan.id, controller);
    let progress: PlanProgress | null = null;
    let lastEvent = 0;
    const heartbeat = setInterval(() => {
      plans
        .renewLease(plan.id, this.owner, this.leaseSeconds, progress)
        .then((mine) => mine || controller.abort())
        .catch((error) => log?.warn({ err: error, planId: plan.id }, 'plan queue: lease renewal failed'));
    }, Math.min(PROGRESS_WRITE_MS, (this.leaseSeconds * 1000) / 3));
    try {
      const result = await computePlan({ repos: repositories(context.db), solver, routing, clock: context.clock }, plan, controller.signal, (next) => {
        progress = next;
        const now = performance.now();
        if (now - lastEvent < 1000 / PROGRESS_EVENTS_PER_SECOND) return;
        lastEvent = now;
        context.events.publish('plan.progress', { planId: plan.id, depotId: plan.depotId, progress: next });
      });
      clearInterval(heartbeat);
      const stored = result !== null && (await storePlanResult(context, plan.id, this.owner, result));
      await plans.finishRun(runId, stored ? 'succeeded' : this.stopped ? 'abandoned' : 'cancelled', progress);
      if (!stored && this.stopped) await plans.requeue(plan.id, this.owner);
    } catch (error) {
      clearInterval(heartbeat);
      const failure = error instanceof AppError ? { code: error.code, message: error.message } : { code: 'internal_error', message: 'The plan run failed; the server log has the details' };
      if (!(error instanceof AppError)) log?.error({ err: error, planId: plan.id }, 'plan run failed');
      await plans.finishRun(runId, 'failed', progress, failure);
      await failPlanRun(context, plan, failure);
    } finally {
      this.running.delete(plan.id);
    }
  }
}
