import { describe, expect, it } from 'vitest';
import type { VroomSolution } from '../../solver/model/vroom';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { isBetter } from '../../src/solving/runner';

const solution = (code: VroomSolution['code'], priority: number, unassigned: number, cost: number): VroomSolution => ({
  code,
  summary: { cost, routes: 1, unassigned, setup: 0, service: 0, duration: 0, waiting_time: 0, priority, delivery: [], pickup: [], violations: [] },
  unassigned: [],
  routes: [],
});

describe('isBetter: VROOM’s objective hierarchy', () => {
  it('prefers a solution to an error, then priority served, then fewer unassigned, then cost', () => {
    expect(isBetter(solution(0, 0, 9, 999), solution(2, 0, 0, 0))).toBe(true);
    expect(isBetter(solution(0, 50, 3, 900), solution(0, 40, 0, 100))).toBe(true);
    expect(isBetter(solution(0, 50, 1, 900), solution(0, 50, 2, 100))).toBe(true);
    expect(isBetter(solution(0, 50, 1, 100), solution(0, 50, 1, 100.5))).toBe(true);
    expect(isBetter(solution(0, 50, 1, 100), solution(0, 50, 1, 100))).toBe(false);
    expect(isBetter(solution(2, 0, 0, 0), solution(0, 0, 9, 999))).toBe(false);
  });
});

describe('the solver runner keeps the best of its seeds', () => {
  const problem = {
    jobs: [1, 2, 3].map((id) => ({ id, location_index: id, service: 10 })),
    vehicles: [{ id: 1, start_index: 0, end_index: 0 }],
    matrices: { car: { durations: [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => Math.abs(i - j) * 60)) } },
  };

  it('solves in-process with one thread and keeps the best of the seeds with two', async () => {
    const single = createPoolSolver({ threads: 1 });
    const one = await single.solve(problem, { seeds: [7], maxIterations: 20 });
    await single.close();
    if (one.status !== 'solved') throw new Error('expected solved');
    expect([one.seed, one.solution.stats?.seed]).toEqual([7, 7]);

    const pool = createPoolSolver({ threads: 2 });
    try {
      const best = await pool.solve(problem, { seeds: [7, 8], maxIterations: 20 });
      if (best.status !== 'solved') throw new Error('expected solved');
      expect([7, 8]).toContain(best.solution.stats?.seed);
      // A line of three stops: out and back is the only optimum, 2 × 180 s.
      expect(best.solution.summary.cost).toBe(360);
    } finally {
      await pool.close();
    }
  });
});
