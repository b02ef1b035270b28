import { describe, expect, it } from 'vitest';
import { buildInitialSolution } from '../../solver/construct/initial';
import { buildProblem } from '../../solver/model/problem';
import { Rng } from '../../solver/model/rng';
import { nearestTasks } from '../../solver/search/neighbors';
import { DEFAULT_RUIN, ruin } from '../../solver/search/ruin';
import { randomInstance } from './solve-fixtures';

describe('SISR ruin', () => {
  it('removes strings of nearby tasks, keeps locked ones, and takes shipments whole', () => {
    const input = randomInstance(60, 10, 11);
    input.jobs!.forEach((j) => (j.time_windows = [[0, 5000]]));
    input.vehicles.forEach((v) => (v.time_window = [0, 5000]));
    input.shipments = [
      { amount: [1], pickup: { id: 101, location_index: 1 }, delivery: { id: 102, location_index: 2 } },
      { amount: [1], pickup: { id: 103, location_index: 3 }, delivery: { id: 104, location_index: 4 } },
    ];
    input.vehicles[0]!.steps = [{ type: 'job', id: 5, locked: true }, { type: 'job', id: 6, locked: true }];
    const problem = buildProblem(input);
    const rng = new Rng(3);
    const { solution, locked } = buildInitialSolution(problem, rng);
    const neighbors = nearestTasks(problem, 64);
    let removedTotal = 0;
    for (let round = 0; round < 200; round++) {
      const changed = new Set<number>();
      const removed = ruin(solution, neighbors, locked, rng, DEFAULT_RUIN, changed);
      removedTotal += removed.length;
      expect(removed.length).toBeGreaterThan(0);
      for (const t of removed) {
        expect(locked[t]).toBe(0);
        expect(solution.routeOf[t]).toBe(-1);
        const partner = problem.taskPartner[t]!;
        if (partner >= 0) expect(removed).toContain(partner);
      }
      for (const r of changed) for (const t of solution.routes[r]!.tasks) expect(removed).not.toContain(t);
      // Put the tasks back (feasibility does not matter to the ruin) so every round starts from a whole solution.
      solution.routes[1 + (round % 2)]!.tasks.push(...removed);
      solution.refresh();
    }
    expect(removedTotal / 200).toBeGreaterThan(3);
    expect(removedTotal / 200).toBeLessThan(3 * DEFAULT_RUIN.averageRemoved);
    expect(solution.routes[0]!.tasks.slice(0, 2).map((t) => problem.taskId[t])).toEqual([5, 6]);
  });
});
