/**
 * Optimization jobs kept in the database: a job started by one process is polled and cancelled from another
 * (two OptimizeJobs on one database), progress arrives with the heartbeat, and a job whose process died reads as
 * failed once its heartbeat is stale, on the injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VroomSolution } from '../../solver/index';
import { repositories } from '../../src/db/repositories';
import type { Clock } from '../../src/domain/clock';
import { AppError } from '../../src/errors';
import { OptimizeJobs, type JobWork } from '../../src/solving/optimize-jobs';
import { testDatabases, type TestDatabase } from '../helpers/database';

const solution = (cost: number) => ({ code: 0, summary: { cost }, unassigned: [], routes: [] }) as unknown as VroomSolution;
const describeError = (error: unknown) => ({ code: 'failed', message: String(error) });

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

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not there in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testDatabases())('optimization jobs on $engine', (backend) => {
  let database: TestDatabase;
  let nowMs = Date.UTC(2026, 10, 24, 9);
  const clock: Clock = { nowMs: () => nowMs };
  /** Two processes' worth on one database. */
  let here: OptimizeJobs;
  let there: OptimizeJobs;
  beforeAll(async () => {
    database = await backend.open();
    here = new OptimizeJobs(repositories(database.knex).optimizeJobs, clock, { heartbeatMs: 20, staleMs: 15_000 });
    there = new OptimizeJobs(repositories(database.knex).optimizeJobs, clock, { heartbeatMs: 20, staleMs: 15_000 });
  });
  afterAll(async () => {
    here.close();
    there.close();
    await database.dispose();
  });

  it('runs, shows the best progress to any process, and ends solved with the solution', async () => {
    const run = controllable();
    const job = await here.start(run.work, describeError);
    expect(await there.get(job.id)).toMatchObject({ status: 'running', createdAt: new Date(nowMs) });
    run.report(500, 2);
    run.report(900, 0);
    run.report(950, 0);
    expect((await until(() => there.get(job.id), (seen) => seen?.progress?.bestCost === 900))!.progress).toMatchObject({ bestCost: 900, unassigned: 0 });
    run.finish(solution(880));
    const solved = await until(() => there.get(job.id), (seen) => seen?.status !== 'running');
    expect(solved).toMatchObject({ status: 'solved', solution: solution(880), finishedAt: new Date(nowMs) });
  });

  it('cancels from another process at the next heartbeat, and records a failure as the caller describes it', async () => {
    const run = controllable();
    const cancelled = await here.start(run.work, describeError);
    expect(await there.cancel(cancelled.id)).toBe(true);
    expect(await there.cancel('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(await until(() => there.get(cancelled.id), (seen) => seen?.status !== 'running')).toMatchObject({ status: 'cancelled' });
    expect(await there.get(cancelled.id)).not.toHaveProperty('solution');
    const failed = await here.start(() => Promise.reject(new Error('boom')), describeError);
    expect(await until(() => there.get(failed.id), (seen) => seen?.status !== 'running')).toMatchObject({ status: 'failed', error: { code: 'failed', message: 'Error: boom' } });
  });

  it('reads a job whose process stopped beating as failed, and forgets finished jobs after their time to live', async () => {
    const dead = new OptimizeJobs(repositories(database.knex).optimizeJobs, clock, { heartbeatMs: 60_000, ttlMs: 60_000 });
    const orphan = await dead.start(controllable().work, describeError);
    const done = await dead.start(async () => solution(1), describeError);
    await until(() => there.get(done.id), (seen) => seen?.status === 'solved');
    expect(await there.get(orphan.id)).toMatchObject({ status: 'running' });
    nowMs += 16_000;
    expect(await there.get(orphan.id)).toMatchObject({ status: 'failed', error: { code: 'solver_stopped' } });
    nowMs += 60_000;
    await dead.start(async () => solution(2), describeError);
    expect(await there.get(done.id)).toBeNull();
    dead.close();
  });

  it('refuses new jobs with 429 while too many run, counted over every process', async () => {
    const busy = new OptimizeJobs(repositories(database.knex).optimizeJobs, clock, { maxRunning: 2 });
    const running = await repositories(database.knex).optimizeJobs.countRunning();
    const limited = new OptimizeJobs(repositories(database.knex).optimizeJobs, clock, { maxRunning: running + 2 });
    await busy.start(controllable().work, describeError);
    await here.start(controllable().work, describeError);
    const error = await limited.start(controllable().work, describeError).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(429);
    busy.close();
    here.close();
  });
});
