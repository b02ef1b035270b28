/**
 * The plan run queue, kept in the plans table itself rather than pg-boss: the same code serves embedded PGlite
 * (pg-boss needs a PostgreSQL server) and PostgreSQL, and a plan's queue state can never disagree with the plan.
 * A worker claims the oldest queued plan with FOR UPDATE SKIP LOCKED, so several processes share the work, and
 * holds a lease a heartbeat renews every `heartbeatSeconds` while the run lasts; when a process dies its lease runs
 * out (`leaseSeconds` after the last beat, on the database's clock, which every process shares) and any worker
 * claims the plan again, up to `maxAttempts` runs, after which the plan fails with the reason. A worker runs up to
 * `concurrency` plans at once (by default as many as its solver pool has threads). Cancelling is a status change
 * every worker notices at its next renewal; the result is stored only while the plan is still the worker's.
 * A database that goes away mid-run does not fail the plan: every step waits for it to answer again and retries
 * (the solved result is kept, not solved again), so the run ends once, as if nothing had happened.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { failPlanRun } from '../commands/fail-plan-run';
import { storePlanResult } from '../commands/store-plan-result';
import type { CommandContext } from '../commands/context';
import { repositories } from '../db/repositories';
import { loadConfig } from '../config';
import { AppError, isDatabaseUnavailable } from '../errors';
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
  /** How long a lease lasts without a heartbeat: a dead worker's plan is claimed again this long after its last beat. */
  leaseSeconds?: number;
  /** How often a running plan's lease is renewed (and its progress stored); well below `leaseSeconds`. */
  heartbeatSeconds?: number;
  /** Plans run at once; default the solver's threads. */
  concurrency?: number;
  /** How often an idle worker looks for plans queued by other processes. */
  pollMs?: number;
  maxAttempts?: number;
  /** Only this process uses the database (PGlite): plans left running at start-up are orphans, claimed at once. */
  exclusiveDatabase?: boolean;
  log?: Logger;
}

/** PLAN_LEASE_SECONDS and PLAN_HEARTBEAT_SECONDS' defaults (src/config.ts): a crashed run is taken over within 10 s. */
const defaultPlanLease = (() => {
  const { PLAN_LEASE_SECONDS, PLAN_HEARTBEAT_SECONDS } = loadConfig({});
  return { leaseSeconds: PLAN_LEASE_SECONDS, heartbeatSeconds: PLAN_HEARTBEAT_SECONDS };
})();

const PROGRESS_EVENTS_PER_SECOND = 4;
/** Waits between retries while the database is away: doubling from the first to the last. */
const RETRY_FIRST_MS = 200;
const RETRY_LAST_MS = 5000;

export class PlanQueue {
  readonly owner: string;
  private readonly leaseSeconds: number;
  private readonly heartbeatMs: number;
  readonly concurrency: number;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly running = new Map<number, AbortController>();
  /** Runs in progress, settled or not: stop() waits for them. */
  private readonly runs = new Set<Promise<void>>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** A wake-up that came while the loop was busy claiming: it looks again instead of sleeping. */
  private woken = false;

  constructor(private readonly options: PlanQueueOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseSeconds = options.leaseSeconds ?? defaultPlanLease.leaseSeconds;
    this.heartbeatMs = (options.heartbeatSeconds ?? Math.min(defaultPlanLease.heartbeatSeconds, this.leaseSeconds / 3)) * 1000;
    if (!(this.heartbeatMs > 0 && this.heartbeatMs < this.leaseSeconds * 1000)) throw new Error(`the heartbeat (${this.heartbeatMs} ms) must be positive and shorter than the lease (${this.leaseSeconds} s)`);
    this.concurrency = options.concurrency ?? options.solver.threads;
    this.pollMs = options.pollMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 2;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.options.exclusiveDatabase) await repositories(this.options.context.db, this.options.context.clock).plans.expireAllLeases();
    this.loop = this.work();
  }

  /** A plan was queued here: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Aborts the plan's run if this worker is running it. */
  cancel(planId: number): void {
    this.running.get(planId)?.abort();
  }

  /** Plans this worker is running now. */
  get active(): number {
    return this.runs.size;
  }

  /** Stops claiming, aborts the runs in progress and gives their plans back to the queue, waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const controller of this.running.values()) controller.abort();
    this.wake();
    await this.loop;
    await Promise.all(this.runs);
  }

  private async work(): Promise<void> {
    const plans = repositories(this.options.context.db, this.options.context.clock).plans;
    while (!this.stopped) {
      let plan: PlanRecord | null = null;
      if (this.runs.size < this.concurrency) {
        try {
          plan = await plans.claimNext(this.owner, this.leaseSeconds);
        } catch (error) {
          this.options.log?.error({ err: error }, 'plan queue: claiming failed');
        }
      }
      if (plan) {
        const claimed = plan;
        // run() retries through an outage; what still escapes (stopping while the database is away) must not end
        // the loop: the plan's lease runs out and a worker claims it again. A run ending frees its slot at once.
        const run: Promise<void> = this.run(claimed)
          .catch((error: unknown) => this.options.log?.error({ err: error, planId: claimed.id }, 'plan queue: run interrupted'))
          .finally(() => {
            this.runs.delete(run);
            this.wake();
          });
        this.runs.add(run);
      } else if (!this.woken) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
      this.woken = false;
    }
  }

  /**
   * Runs `work` until it succeeds or fails for another reason than the database being away; gives up only when the
   * worker stops (then the plan's lease runs out and it is claimed again).
   */
  private async untilAvailable<T>(what: string, planId: number, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || this.stopped) throw error;
        const waitMs = Math.min(RETRY_LAST_MS, RETRY_FIRST_MS * 2 ** attempt);
        this.options.log?.warn({ err: error, planId, attempt, waitMs }, `plan queue: database unavailable (${what}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  private async run(plan: PlanRecord): Promise<void> {
    const { context, solver, routing, log } = this.options;
    const plans = repositories(context.db, context.clock).plans;
    const retry = <T>(what: string, work: () => Promise<T>) => this.untilAvailable(what, plan.id, work);
    await retry('abandoning orphan runs', () => plans.abandonOrphanRuns(plan.id));
    if (plan.attempts > this.maxAttempts) {
      await retry('failing the plan', () =>
        failPlanRun(context, plan, { code: 'run_abandoned', message: `The plan's run stopped with its server ${plan.attempts - 1} times; giving up` }),
      );
      return;
    }
    const runId = await retry('recording the run', () => plans.insertRun(plan.id, plan.attempts, this.owner));
    context.events.publish('plan.status_changed', { planId: plan.id, depotId: plan.depotId, status: 'running', actor: 'system' });
    const controller = new AbortController();
    this.running.set(plan.id, controller);
    // Claimed while stop() ran: given back below like any run stop() interrupts.
    if (this.stopped) controller.abort();
    let progress: PlanProgress | null = null;
    let lastEvent = 0;
    const heartbeat = setInterval(() => {
      plans
        .renewLease(plan.id, this.owner, this.leaseSeconds, progress)
        .then((mine) => mine || controller.abort())
        .catch((error) => log?.warn({ err: error, planId: plan.id }, 'plan queue: lease renewal failed'));
    }, this.heartbeatMs);
    try {
      const result = await retry('reading the plan inputs', () =>
        computePlan({ repos: repositories(context.db, context.clock), solver, routing, clock: context.clock }, plan, controller.signal, (next) => {
          progress = next;
          const now = performance.now();
          if (now - lastEvent < 1000 / PROGRESS_EVENTS_PER_SECOND) return;
          lastEvent = now;
          context.events.publish('plan.progress', { planId: plan.id, depotId: plan.depotId, progress: next });
        }),
      );
      clearInterval(heartbeat);
      let storeTried = false;
      const stored =
        result !== null &&
        (await retry('storing the result', async () => {
          const again = storeTried;
          storeTried = true;
          if (await storePlanResult(context, plan.id, this.owner, result)) return true;
          // The commit went through but its answer was lost with the connection: the plan has succeeded already.
          if (!again || (await plans.findById(plan.id))?.status !== 'succeeded') return false;
          context.events.publish('plan.status_changed', { planId: plan.id, depotId: plan.depotId, status: 'succeeded', actor: plan.createdBy });
          return true;
        }));
      await retry('finishing the run', () => plans.finishRun(runId, stored ? 'succeeded' : this.stopped ? 'abandoned' : 'cancelled', progress));
      if (!stored && this.stopped) await plans.requeue(plan.id, this.owner);
    } catch (error) {
      clearInterval(heartbeat);
      if (isDatabaseUnavailable(error)) throw error; // only when stopping: the lease runs out, the plan is run again
      const failure = error instanceof AppError ? { code: error.code, message: error.message } : { code: 'internal_error', message: 'The plan run failed; the server log has the details' };
      if (!(error instanceof AppError)) log?.error({ err: error, planId: plan.id }, 'plan run failed');
      await retry('recording the failure', () => plans.finishRun(runId, 'failed', progress, failure));
      await retry('failing the plan', () => failPlanRun(context, plan, failure));
    } finally {
      this.running.delete(plan.id);
    }
  }
}
