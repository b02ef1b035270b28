import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/check';
import { parseSolomon } from '../../solver/format/solomon';
import type { VroomSolution } from '../../solver/model/vroom';
import type { SolveProgress } from '../../solver/index';
import { SOLVER_WORKER_FILENAME, type SolveTask, type VerifiedSolve } from '../../solver/worker';
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

  it('validates, solves and checks flat matrices as they are: rows of them would not fit in the worker', async () => {
    // 3,000 locations: as rows the durations alone are 9 M boxed numbers (72 MB and more) against a 48 MB heap;
    // flat they stay off the heap (a shared buffer, and the model's Float32Array).
    const size = 3000;
    const values = new Float64Array(new SharedArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT));
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) values[i * size + j] = Math.abs(i - j) * 7;
    const jobs = Array.from({ length: 40 }, (_, k) => ({ id: k + 1, location_index: 1 + k * 70 }));
    const small = { jobs, vehicles: [{ id: 1, start_index: 0, end_index: 0 }, { id: 2, start_index: size - 1 }] };
    const tight = new Piscina<SolveTask, VerifiedSolve>({ filename: SOLVER_WORKER_FILENAME, maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 48 } });
    try {
      const run = await tight.run({ problem: small, flatMatrices: { car: { durations: { size, values } } }, options: { seed: 1, stop: { maxIterations: 50 } } }, { name: 'solveVerified' });
      if (!('solution' in run)) throw new Error(`unexpected issues ${JSON.stringify(run.issues)}`);
      expect(run.solution.summary.unassigned).toBe(0);
      expect(run.check.issues).toEqual([]);
      // A bad entry is found where it is, with the path rows would give.
      values[5 * size + 7] = -1;
      const invalid = await tight.run({ problem: small, flatMatrices: { car: { durations: { size, values } } } }, { name: 'solveVerified' });
      expect(invalid).toEqual({ issues: [expect.objectContaining({ code: 'matrix_value', path: 'matrices.car.durations[5][7]' })] });
    } finally {
      await tight.destroy();
    }
  });

  it('answers bad input with code 2 instead of failing the worker', async () => {
    const solution = await pool.run({ problem: { vehicles: [] } });
    expect(solution.code).toBe(2);
    expect(solution.error).toMatch(/vehicle/);
  });
});
