/**
 * Background optimization jobs for POST /optimize: held in this process's memory, dropped an hour (ttlMs)
 * after they finish, and lost on restart. Enough for a stateless endpoint on one server; planning runs that
 * must survive restarts go through the database queue instead.
 */
import { randomUUID } from 'node:crypto';
import type { VroomSolution } from '../../solver/index';
import { tooManyRequests } from '../errors';
import type { RunProgress } from './runner';

export type OptimizeJobStatus = 'running' | 'solved' | 'failed' | 'cancelled';

export interface OptimizeJob {
  id: string;
  status: OptimizeJobStatus;
  createdAt: Date;
  finishedAt?: Date;
  /** The best any seed has reported so far. */
  progress?: Pick<RunProgress, 'bestCost' | 'unassigned' | 'elapsedMs'>;
  solution?: VroomSolution;
  error?: { code: string; message: string };
}

export interface OptimizeJobsOptions {
  ttlMs?: number;
  /** Unfinished jobs at once; beyond, new ones get 429. */
  maxRunning?: number;
}

/** What a job runs: resolves with the solution, or null when cancelled. */
export type JobWork = (signal: AbortSignal, onProgress: (progress: RunProgress) => void) => Promise<VroomSolution | null>;

export class OptimizeJobs {
  private readonly jobs = new Map<string, { job: OptimizeJob; controller: AbortController }>();
  private readonly ttlMs: number;
  private readonly maxRunning: number;

  constructor({ ttlMs = 60 * 60 * 1000, maxRunning = 100 }: OptimizeJobsOptions = {}) {
    this.ttlMs = ttlMs;
    this.maxRunning = maxRunning;
  }

  /** Starts the work at once; a failure lands in the job as onError describes it, never as an unhandled rejection. */
  start(work: JobWork, onError: (error: unknown) => { code: string; message: string }): OptimizeJob {
    this.sweep();
    const running = [...this.jobs.values()].filter(({ job }) => job.status === 'running').length;
    if (running >= this.maxRunning) throw tooManyRequests(`${running} optimization jobs are running; retry when one has finished`);
    const job: OptimizeJob = { id: randomUUID(), status: 'running', createdAt: new Date() };
    const controller = new AbortController();
    this.jobs.set(job.id, { job, controller });
    const onProgress = (progress: RunProgress) => {
      const best = job.progress;
      if (!best || progress.unassigned < best.unassigned || (progress.unassigned === best.unassigned && progress.bestCost < best.bestCost)) {
        job.progress = { bestCost: progress.bestCost, unassigned: progress.unassigned, elapsedMs: progress.elapsedMs };
      } else job.progress = { ...best, elapsedMs: Math.max(best.elapsedMs, progress.elapsedMs) };
    };
    work(controller.signal, onProgress).then(
      (solution) => this.finish(job, solution ? { status: 'solved', solution } : { status: 'cancelled' }),
      (error: unknown) => this.finish(job, { status: 'failed', error: onError(error) }),
    );
    return job;
  }

  get(id: string): OptimizeJob | undefined {
    this.sweep();
    return this.jobs.get(id)?.job;
  }

  /** Cancels a running job; false when there is no such job. */
  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (!entry) return false;
    entry.controller.abort();
    return true;
  }

  /** Cancels every running job (server shutdown). */
  close(): void {
    for (const { controller } of this.jobs.values()) controller.abort();
  }

  private finish(job: OptimizeJob, result: Pick<OptimizeJob, 'status' | 'solution' | 'error'>): void {
    Object.assign(job, result, { finishedAt: new Date() });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, { job }] of this.jobs) if (job.finishedAt && now - job.finishedAt.getTime() > this.ttlMs) this.jobs.delete(id);
  }
}
