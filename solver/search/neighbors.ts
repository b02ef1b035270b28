import type { Problem } from '../model/problem';

/** From this many tasks on, nearness is the cost from the task only: one row of the matrix, read in order. */
const ROW_ONLY_TASKS = 2000;

/**
 * For every task, its nearest other tasks (by the first vehicle type's symmetric cost min(a→b, b→a)), nearest
 * first, ties by task index. SISR grows its ruin from a seed along this list; keeping only `k` bounds memory on
 * large instances. The column read b→a jumps a whole row per task: on large instances it halved the speed of the
 * first solution, so there the cost a→b alone ranks (the same on symmetric matrices).
 */
export function nearestTasks(problem: Problem, k: number): Int32Array[] {
  const count = problem.taskCount;
  const n = problem.locations;
  const costs = problem.types[0]!.costs;
  const location = problem.taskLocation;
  const size = Math.max(0, Math.min(k, count - 1));
  const lists: Int32Array[] = [];
  const rowOnly = count >= ROW_ONLY_TASKS;
  // The best `size` so far as a max-heap on (key, task): its root is the one a nearer task replaces. A heap
  // costs log(size) per replacement where a sorted list shifts size / 2 entries, and a row sees hundreds.
  const keys = new Float64Array(size);
  const tasks = new Int32Array(size);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let a = 0; a < count; a++) {
    const la = location[a]!;
    const row = la * n;
    let filled = 0;
    let bound = Infinity;
    for (let b = 0; b < count; b++) {
      const lb = location[b]!;
      const there = costs[row + lb]!;
      const back = rowOnly ? there : costs[lb * n + la]!;
      const key = there < back ? there : back;
      // Later tasks lose ties: a key equal to the root's does not get in (until the heap is full, even Infinity does).
      if ((filled === size && !(key < bound)) || b === a) continue;
      let i: number;
      if (filled < size) {
        i = filled++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!(keys[parent]! < key || (keys[parent] === key && tasks[parent]! < b))) break;
          keys[i] = keys[parent]!;
          tasks[i] = tasks[parent]!;
          i = parent;
        }
      } else {
        i = 0;
        for (let child = 1; child < size; child = 2 * i + 1) {
          const right = child + 1;
          if (right < size && (keys[right]! > keys[child]! || (keys[right] === keys[child] && tasks[right]! > tasks[child]!))) child = right;
          if (!(keys[child]! > key || (keys[child] === key && tasks[child]! > b))) break;
          keys[i] = keys[child]!;
          tasks[i] = tasks[child]!;
          i = child;
        }
      }
      keys[i] = key;
      tasks[i] = b;
      if (filled === size) bound = keys[0]!;
    }
    order.sort((x, y) => keys[x]! - keys[y]! || tasks[x]! - tasks[y]!);
    const list = new Int32Array(size);
    for (let i = 0; i < size; i++) list[i] = tasks[order[i]!]!;
    lists.push(list);
  }
  return lists;
}
