import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VroomSolution } from '../../solver/index';
import { AppError } from '../../src/errors';
import { OptimizeJobs, type JobWork } from '../../src/solving/optimize-jobs';

const solution = (cost: number) => ({ code: 0, summary: { cost }, unassigned: [], routes: [] }) as unknown as VroomSolution;
const describeError = (error: unknown) => ({ code: 'failed', message: String(error) });
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Work that waits until the test lets it finish or the job is cancelled. */
function controllable() {
  let finish!: (value: VroomSolution) => void;
  let report!: (bestCost: number, unassigned: number) => void;
  const work: JobWork = (signal, onProgress) => {
    report = (bestCost, unassigned) => onProgress({ seed: 1, bestCost, unassigned, elapsedMs: 1, iteration: 1, routes: 1 });
    return new Promise((resolve) => {
      finish = resolve;
      signal.addEventListener('abort', () => resolve(null));
    });
  };
  return { work, finish: (value: VroomSolution) => finish(value), report: (cost: number, unassigned: number) => report(cost, unassigned) };
}

describe('optimization jobs', () => {
  afterEach(() => vi.useRealTimers());

  it('runs, keeps the best progress across seeds, and ends solved with the solution', async () => {
    const jobs = new OptimizeJobs();
    const run = controllable();
    const job = jobs.start(run.work, describeError);
    expect(jobs.get(job.id)).toMatchObject({ status: 'running' });
    run.report(500, 2);
    run.report(900, 0);
    run.report(950, 0);
    expect(jobs.get(job.id)!.progress).toMatchObject({ bestCost: 900, unassigned: 0 });
    run.finish(solution(880));
    await settle();
    expect(jobs.get(job.id)).toMatchObject({ status: 'solved', solution: solution(880), finishedAt: expect.any(Date) });
  });

  it('cancels, and records a failure as the caller describes it', async () => {
    const jobs = new OptimizeJobs();
    const run = controllable();
    const cancelled = jobs.start(run.work, describeError);
    expect(jobs.cancel(cancelled.id)).toBe(true);
    expect(jobs.cancel('unknown')).toBe(false);
    const failed = jobs.start(() => Promise.reject(new Error('boom')), describeError);
    await settle();
    expect(jobs.get(cancelled.id)).toMatchObject({ status: 'cancelled' });
    expect(jobs.get(cancelled.id)).not.toHaveProperty('solution');
    expect(jobs.get(failed.id)).toMatchObject({ status: 'failed', error: { code: 'failed', message: 'Error: boom' } });
  });

  it('forgets finished jobs after their time to live, never running ones', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const jobs = new OptimizeJobs({ ttlMs: 60_000 });
    const running = jobs.start(controllable().work, describeError);
    const done = jobs.start(async () => solution(1), describeError);
    await settle();
    vi.setSystemTime(Date.now() + 61_000);
    expect(jobs.get(done.id)).toBeUndefined();
    expect(jobs.get(running.id)).toMatchObject({ status: 'running' });
  });

  it('cancels every running job on close (server shutdown)', async () => {
    const jobs = new OptimizeJobs();
    const ids = [jobs.start(controllable().work, describeError).id, jobs.start(controllable().work, describeError).id];
    jobs.close();
    await settle();
    expect(ids.map((id) => jobs.get(id)!.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('refuses new jobs with 429 while too many run', () => {
    const jobs = new OptimizeJobs({ maxRunning: 2 });
    jobs.start(controllable().work, describeError);
    jobs.start(controllable().work, describeError);
    const error = (() => {
      try {
        jobs.start(controllable().work, describeError);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(429);
  });
});
