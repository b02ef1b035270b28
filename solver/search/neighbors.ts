import type { Problem } from '../model/problem';

/** From this many tasks on, nearness is the cost from the task only: one row of the matrix, read in order. */
const ROW_ONLY_TASKS = 2000;

/**
 * For every task, its nearest other tasks (by the first vehicle type's symmetric cost min(a→b, b→a)), nearest
 * first. SISR grows its ruin from a seed along this list; keeping only `k` bounds memory on large instances.
 * The column read b→a jumps a whole row per task: on large instances (a 10,000-task matrix is 800 MB) it
 * halved the speed of the first solution, so there the cost a→b alone ranks (the same on symmetric matrices).
 */
export function nearestTasks(problem: Problem, k: number): Int32Array[] {
  const count = problem.taskCount;
  const n = problem.locations;
  const costs = problem.types[0]!.costs;
  const size = Math.max(0, Math.min(k, count - 1));
  const lists: Int32Array[] = [];
  const rowOnly = count >= ROW_ONLY_TASKS;
  const keys = new Float64Array(size);
  for (let a = 0; a < count; a++) {
    const list = new Int32Array(size);
    let filled = 0;
    const la = problem.taskLocation[a]!;
    for (let b = 0; b < count; b++) {
      if (b === a) continue;
      const lb = problem.taskLocation[b]!;
      const there = costs[la * n + lb]!;
      const back = rowOnly ? there : costs[lb * n + la]!;
      const key = there < back ? there : back;
      if (filled === size && !(key < keys[size - 1]!)) continue;
      // Insertion into the sorted, bounded list: rarely moves far once the list holds the near ones.
      let i = filled < size ? filled++ : size - 1;
      while (i > 0 && keys[i - 1]! > key) {
        keys[i] = keys[i - 1]!;
        list[i] = list[i - 1]!;
        i--;
      }
      keys[i] = key;
      list[i] = b;
    }
    lists.push(list);
  }
  return lists;
}
