import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/check';
import { parseSolomon } from '../../solver/format/solomon';
import type { VroomSolution } from '../../solver/model/vroom';
import type { SolveProgress } from '../../solver/index';
import { SOLVER_WORKER_FILENAME, type SolveTask } from '../../solver/worker';
import { splitMatrices } from '../../solver/worker-transfer';

const { problem } = parseSolomon(readFileSync(join(import.meta.dirname, '../../data/benchmarks/solomon/c101.txt'), 'utf8'));

describe('solver/worker.ts under piscina', () => {
  const pool = new Piscina<SolveTask, VroomSolution>({ filename: SOLVER_WORKER_FILENAME, maxThreads: 2 });
  afterAll(() => pool.destroy());

  it('solves tasks on worker threads, one seed each, deterministically', async () => {
    const task = (seed: number): SolveTask => ({ problem, options: { seed, stop: { maxIterations: 300 } } });
    const [first, second, again] = await Promise.all([pool.run(task(1)), pool.run(task(2)), pool.run(task(1))]);
    for (const solution of [first!, second!]) {
      expect(solution.code).toBe(0);
      expect(checkSolution(problem, solution).issues).toEqual([]);
    }
    expect(first!.stats?.seed).toBe(1);
    expect(second!.stats?.seed).toBe(2);
    expect(again).toEqual(first);
  });

  it('stops on the shared flag with the best solution so far, and streams progress', async () => {
    const stopFlag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const progress: SolveProgress[] = [];
    port1.on('message', (message: SolveProgress) => progress.push(message));
    const started = performance.now();
    const running = pool.run({ problem, options: { seed: 3, stop: { timeLimitMs: 60_000 } }, stopFlag, progressPort: port2 }, { transferList: [port2] });
    setTimeout(() => Atomics.store(stopFlag, 0, 1), 500);
    const solution = await running;
    port1.close();
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(solution.code).toBe(0);
    expect(checkSolution(problem, solution).feasible).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.bestCost).toBeGreaterThanOrEqual(solution.summary.cost - 1e-6);
  });

  it('reads matrices sent flat in shared memory', async () => {
    const { problem: withoutMatrices, matrices } = splitMatrices(problem, { shared: true });
    const options = { seed: 4, stop: { maxIterations: 100 } };
    const [flat, nested] = await Promise.all([pool.run({ problem: withoutMatrices, flatMatrices: matrices, options }), pool.run({ problem, options })]);
    expect(flat).toEqual(nested);
  });

  it('answers bad input with code 2 instead of failing the worker', async () => {
    const solution = await pool.run({ problem: { vehicles: [] } });
    expect(solution.code).toBe(2);
    expect(solution.error).toMatch(/vehicle/);
  });
});
