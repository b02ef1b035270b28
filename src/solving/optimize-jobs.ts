/**
 * Background optimization jobs for POST /optimize?async=true, kept in the database: any process answers a poll or a
 * cancel. The process that took a job solves it and beats a heartbeat (with the best progress); a cancel asked
 * elsewhere reaches it with the next beat. A job whose heartbeat stopped (its process died) reads as failed.
 * Finished jobs are dropped `ttlMs` after they finish.
 */
import { randomUUID } from 'node:crypto';
import type { VroomSolution } from '../../solver/index';
import type { OptimizeJobsRepository } from '../db/repos/optimize-jobs.repo';
import type { Clock } from '../domain/clock';
import type { OptimizeJob } from '../domain/model/optimize-job';
import { tooManyRequests } from '../errors';
import type { RunProgress } from './runner';

export interface OptimizeJobsOptions {
  ttlMs?: number;
  /** Unfinished jobs at once, over every process; beyond, new ones get 429. */
  maxRunning?: number;
  heartbeatMs?: number;
  /** A running job not heard of for this long is failed: the process solving it stopped. */
  staleMs?: number;
}

/** What a job runs: resolves with the solution, or null when cancelled. */
export type JobWork = (signal: AbortSignal, onProgress: (progress: RunProgress) => void) => Promise<VroomSolution | null>;

const ownerStopped = { code: 'solver_stopped', message: 'The server process solving this job stopped; submit it again' };

export class OptimizeJobs {
  /** This process's own running jobs. */
  private readonly running = new Map<string, { controller: AbortController; timer: NodeJS.Timeout }>();
  private readonly owner = `${process.pid}:${randomUUID()}`;
  private readonly ttlMs: number;
  private readonly maxRunning: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;

  constructor(
    private readonly repo: OptimizeJobsRepository,
    private readonly clock: Clock,
    { ttlMs = 60 * 60 * 1000, maxRunning = 100, heartbeatMs = 2000, staleMs = 15_000 }: OptimizeJobsOptions = {},
  ) {
    this.ttlMs = ttlMs;
    this.maxRunning = maxRunning;
    this.heartbeatMs = heartbeatMs;
    this.staleMs = staleMs;
  }

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  /** Records the job and starts the work; a failure lands in the job as onError describes it, never as an unhandled rejection. */
  async start(work: JobWork, onError: (error: unknown) => { code: string; message: string }): Promise<OptimizeJob> {
    await this.repo.deleteFinishedBefore(new Date(this.clock.nowMs() - this.ttlMs));
    const running = await this.repo.countRunning();
    if (running >= this.maxRunning) throw tooManyRequests(`${running} optimization jobs are running; retry when one has finished`);
    const job: OptimizeJob = { id: randomUUID(), status: 'running', createdAt: this.now() };
    await this.repo.insert({ id: job.id, owner: this.owner, at: job.createdAt });

    const controller = new AbortController();
    let best: OptimizeJob['progress'];
    const onProgress = (progress: RunProgress) => {
      if (!best || progress.unassigned < best.unassigned || (progress.unassigned === best.unassigned && progress.bestCost < best.bestCost)) {
        best = { bestCost: progress.bestCost, unassigned: progress.unassigned, elapsedMs: progress.elapsedMs };
      } else best = { ...best, elapsedMs: Math.max(best.elapsedMs, progress.elapsedMs) };
    };
    const timer = setInterval(() => {
      this.repo.heartbeat(job.id, this.owner, this.now(), best).then(
        ({ cancelRequested }) => cancelRequested && controller.abort(),
        () => {}, // the database is away: the next beat tries again, and a poller sees the job go stale meanwhile
      );
    }, this.heartbeatMs);
    this.running.set(job.id, { controller, timer });

    const finish = (result: Pick<OptimizeJob, 'status' | 'solution' | 'error'>) => {
      clearInterval(timer);
      this.running.delete(job.id);
      return this.repo.finish(job.id, this.owner, this.now(), { ...result, progress: best });
    };
    work(controller.signal, onProgress)
      .then(
        (solution) => finish(solution ? { status: 'solved', solution } : { status: 'cancelled' }),
        (error: unknown) => finish({ status: 'failed', error: onError(error) }),
      )
      .catch(() => {}); // the result could not be stored: the job goes stale and reads as failed
    return job;
  }

  async get(id: string): Promise<OptimizeJob | null> {
    const job = await this.repo.findById(id);
    if (!job) return null;
    const { heartbeatAt, cancelRequested: _cancelRequested, ...shown } = job;
    if (shown.status === 'running' && this.clock.nowMs() - heartbeatAt.getTime() > this.staleMs && !this.running.has(id)) {
      await this.repo.abandon(id, this.now(), ownerStopped);
      return { ...shown, status: 'failed', error: ownerStopped, finishedAt: this.now() };
    }
    return shown;
  }

  /** Cancels a running job, here at once or in the process solving it at its next beat; false when there is no such job. */
  async cancel(id: string): Promise<boolean> {
    const local = this.running.get(id);
    if (local) {
      local.controller.abort();
      return true;
    }
    return this.repo.requestCancel(id);
  }

  /** Cancels this process's running jobs (server shutdown). */
  close(): void {
    for (const { controller } of this.running.values()) controller.abort();
  }
}
