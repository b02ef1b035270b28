import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Piscina from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/check';
import { parseSolomon } from '../../solver/format/solomon';
import type { VroomSolution } from '../../solver/model/vroom';
import { SOLVER_WORKER_FILENAME, type SolveTask } from '../../solver/worker';

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

  it('answers bad input with code 2 instead of failing the worker', async () => {
    const solution = await pool.run({ problem: { vehicles: [] } });
    expect(solution.code).toBe(2);
    expect(solution.error).toMatch(/vehicle/);
  });
});
