import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution, parseSolomon, type VroomProblem } from '../../solver/index';
import { AppError } from '../../src/errors';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { isBetter, keepBest, SolutionCheckError, type RunProgress } from '../../src/solving/runner';

const { problem: c101 } = parseSolomon(readFileSync(join(import.meta.dirname, '../../data/benchmarks/solomon/c101.txt'), 'utf8'));

/** Six jobs on a line, two vehicles of capacity 3: every job fits, the order along the line is optimal. */
const line: VroomProblem = {
  vehicles: [1, 2].map((id) => ({ id, start_index: 0, end_index: 0, capacity: [3] })),
  jobs: [1, 2, 3, 4, 5, 6].map((id) => ({ id, location_index: id, delivery: [1], service: 60 })),
  matrices: { car: { durations: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => 100 * Math.abs(i - j))) } },
};

describe('solver runner, in-process (one thread)', () => {
  const solver = createPoolSolver({ threads: 1 });

  it('solves, checks and reports progress per seed', async () => {
    const progress: RunProgress[] = [];
    const outcome = await solver.solve(line, { seeds: [3, 4], timeLimitMs: 200, onProgress: (p) => progress.push(p) });
    if (outcome.status !== 'solved') throw new Error(`expected solved, got ${outcome.status}`);
    expect(checkSolution(line, outcome.solution).issues).toEqual([]);
    expect(outcome.solution.summary.unassigned).toBe(0);
    expect([3, 4]).toContain(outcome.seed);
    expect(new Set(progress.map((p) => p.seed))).toEqual(new Set([3, 4]));
  });

  it('lists every issue of a bad problem as a 400', async () => {
    const bad = { vehicles: [{ id: 1, start_index: 9 }], jobs: [{ id: 1 }, { id: 1, location_index: 0 }], matrices: { car: { durations: [[0]] } } };
    const error = await solver.solve(bad as VroomProblem, { timeLimitMs: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    const paths = (error as AppError).details.map((detail) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['vehicles[0].start_index', 'jobs[1].id']));
    expect(paths.length).toBeGreaterThanOrEqual(3);
  });

  it('answers cancelled, without a solution, when aborted before it runs', async () => {
    const outcome = await solver.solve(line, { timeLimitMs: 100, signal: AbortSignal.abort() });
    expect(outcome).toEqual({ status: 'cancelled', elapsedMs: expect.any(Number) });
  });
});

describe('keeping the best solution', () => {
  const solve = (seed: number) => createPoolSolver({ threads: 1 }).solve(line, { seeds: [seed], timeLimitMs: 50 });

  it('ranks by served priority, then unassigned count, then cost', async () => {
    const outcome = await solve(1);
    if (outcome.status !== 'solved') throw new Error('expected solved');
    const base = outcome.solution;
    const withSummary = (change: Partial<typeof base.summary>) => ({ ...base, summary: { ...base.summary, ...change } });
    expect(isBetter(withSummary({ cost: base.summary.cost - 1 }), base)).toBe(true);
    expect(isBetter(withSummary({ unassigned: 1, cost: 0 }), base)).toBe(false);
    expect(isBetter(withSummary({ priority: base.summary.priority + 1, unassigned: 1, cost: 1e9 }), base)).toBe(true);
    expect(isBetter({ ...base, code: 1 }, withSummary({ cost: 1e9 }))).toBe(false);
  });

  it('answers a solver input error as a 400 and any other solver failure as an error', async () => {
    const outcome = await solve(1);
    if (outcome.status !== 'solved') throw new Error('expected solved');
    const inputError = { ...outcome.solution, code: 2 as const, error: 'jobs[0]: unreadable' };
    const thrown = (() => {
      try {
        keepBest(line, [1], [inputError]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).details).toEqual([{ path: '', message: 'jobs[0]: unreadable' }]);
    expect(() => keepBest(line, [1], [{ ...outcome.solution, code: 1, error: 'bug' }])).toThrow(/code 1\): bug/);
  });

  it('refuses a solution the checker rejects instead of returning it', async () => {
    const outcome = await solve(1);
    if (outcome.status !== 'solved') throw new Error('expected solved');
    const broken = structuredClone(outcome.solution);
    broken.routes[0]!.steps[1]!.arrival -= 50; // arrives before it could have driven there
    expect(() => keepBest(line, [1], [broken])).toThrow(SolutionCheckError);
  });
});

describe('pool solver (2 worker threads)', () => {
  const solver = createPoolSolver({ threads: 2 });
  afterAll(() => solver.close());

  it('runs one seed per thread, keeps the best, streams progress from the workers', async () => {
    const progress: RunProgress[] = [];
    const outcome = await solver.solve(c101, { timeLimitMs: 1500, onProgress: (p) => progress.push(p) });
    if (outcome.status !== 'solved') throw new Error(`expected solved, got ${outcome.status}`);
    expect(checkSolution(c101, outcome.solution).issues).toEqual([]);
    expect([1, 2]).toContain(outcome.seed);
    expect(new Set(progress.map((p) => p.seed))).toEqual(new Set([1, 2]));
    for (const p of progress) expect(p.elapsedMs).toBeLessThanOrEqual(1500 + 200);
    // The kept seed is at least as good as the last word from the other one.
    const other = progress.filter((p) => p.seed !== outcome.seed).at(-1)!;
    expect(outcome.solution.summary.unassigned).toBeLessThanOrEqual(other.unassigned);
    if (outcome.solution.summary.unassigned === other.unassigned) expect(outcome.solution.summary.cost).toBeLessThanOrEqual(other.bestCost + 1e-6);
  });

  it('reports each worker\'s iterations, and replays a time-limited two-thread run exactly from them', async () => {
    const timed = await solver.solve(c101, { timeLimitMs: 1500 });
    if (timed.status !== 'solved') throw new Error(`expected solved, got ${timed.status}`);
    const runs = timed.solution.stats!.runs!;
    expect(runs.map((run) => run.seed)).toEqual([1, 2]);
    // Each count is what its worker managed in the time (on a loaded machine one may be small): together they searched.
    expect(runs[0]!.iterations + runs[1]!.iterations).toBeGreaterThan(0);
    expect(runs.find((run) => run.seed === timed.seed)!.iterations).toBe(timed.solution.stats!.iterations);
    const replay = await solver.solve({ ...c101, options: { replay: runs } }, { timeLimitMs: 5 });
    if (replay.status !== 'solved') throw new Error(`expected solved, got ${replay.status}`);
    expect(checkSolution(c101, replay.solution).issues).toEqual([]);
    expect(replay.seed).toBe(timed.seed);
    expect(replay.solution.routes).toEqual(timed.solution.routes);
    expect(replay.solution.summary.cost).toBe(timed.solution.summary.cost);
    expect(replay.solution.stats!.runs).toEqual(runs);
  });

  it('stops each run at its time limit', async () => {
    const started = performance.now();
    const outcome = await solver.solve(c101, { timeLimitMs: 800 });
    expect(outcome.status).toBe('solved');
    expect(performance.now() - started).toBeLessThan(800 + 1500);
  });

  it('answers cancelled soon after an abort, with no partial result', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    const started = performance.now();
    const outcome = await solver.solve(c101, { timeLimitMs: 20_000, signal: controller.signal });
    expect(outcome.status).toBe('cancelled');
    expect(outcome).not.toHaveProperty('solution');
    expect(performance.now() - started).toBeLessThan(3000);
    // The pool still works afterwards (piscina replaced the ended threads).
    expect((await solver.solve(line, { timeLimitMs: 100 })).status).toBe('solved');
  });

  it('keeps the HTTP event loop responsive during a two-thread run', async () => {
    const server = http.createServer((_request, response) => response.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ping = async () => {
      const sent = performance.now();
      expect(await (await fetch(url)).text()).toBe('pong');
      return performance.now() - sent;
    };
    try {
      await ping(); // connection and client set up before the clock matters
      const run = solver.solve(c101, { timeLimitMs: 3000 });
      let running = true;
      void run.finally(() => (running = false));
      await new Promise((resolve) => setTimeout(resolve, 300)); // both workers are searching now
      const latenciesMs: number[] = [];
      while (running) {
        latenciesMs.push(await ping());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await run).status).toBe('solved');
      expect(latenciesMs.length).toBeGreaterThan(20);
      latenciesMs.sort((a, b) => a - b);
      // A blocked event loop would hold pings for the whole run (seconds); the bar leaves room for a busy 2-core box.
      expect(latenciesMs[Math.floor(latenciesMs.length * 0.95)]).toBeLessThan(150);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
