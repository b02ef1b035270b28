import type { Problem } from '../model/problem';

/** From this many tasks on, nearness is the cost from the task only: one row of the matrix, read in order. */
const ROW_ONLY_TASKS = 2000;
/** Candidates held per list before the farthest are dropped, as a multiple of the list's length. */
const CANDIDATES_PER_NEIGHBOUR = 4;
/** A row's first bound comes from a sample of this many tasks per neighbour kept... */
const SAMPLED_PER_NEIGHBOUR = 4;
/** ...at the rank that leaves about this many candidates per neighbour kept (on the 10,000-job day 187 for 64; 1.3 % of rows get fewer than 64 and are scanned again). */
const EXPECTED_CANDIDATES = 3;

/**
 * For every task, its nearest other tasks (by the first vehicle type's symmetric cost min(a→b, b→a)), nearest
 * first, ties by task index. SISR grows its ruin from a seed along this list; keeping only `k` bounds memory on
 * large instances. The column read b→a jumps a whole row per task: on large instances it halved the speed of the
 * first solution, so there the cost a→b alone ranks (the same on symmetric matrices).
 *
 * The scan reads every entry of the matrix once (10⁸ at 10,000 tasks), so its loop holds nothing but a comparison
 * with a bound and an append: tasks strictly nearer than the bound are collected in task order, and when the buffer
 * is full only the nearest `k` stay (the bound becomes the k-th cost). The bound starts from a sample of the row,
 * so a row collects about 3k candidates instead of the ~660 a bound tightened from its first k tasks lets in (with a
 * heap sifted for each, 600 ms of the first 10,000-job answer; 420 ms so). The lists are exactly what a full sort gives.
 */
export function nearestTasks(problem: Problem, k: number): Int32Array[] {
  const count = problem.taskCount;
  const n = problem.locations;
  const costs = problem.types[0]!.costs;
  const location = problem.taskLocation;
  const size = Math.max(0, Math.min(k, count - 1));
  const lists: Int32Array[] = [];
  const rowOnly = count >= ROW_ONLY_TASKS;
  const capacity = Math.max(CANDIDATES_PER_NEIGHBOUR * size, 1);
  const keys = new Float64Array(capacity);
  const tasks = new Int32Array(capacity);
  // Every stride-th task is sampled for a first bound; on small instances the rows are scanned without one.
  const stride = size > 0 ? Math.floor(count / (SAMPLED_PER_NEIGHBOUR * size)) : 0;
  const sampleRank = Math.ceil((EXPECTED_CANDIDATES * size) / stride) - 1;
  const scratch = new Float64Array(Math.max(capacity, stride >= 2 ? Math.ceil(count / stride) : 0));
  const keyOf = (la: number, b: number) => {
    const there = costs[la * n + location[b]!]!;
    if (rowOnly) return there;
    const back = costs[location[b]! * n + la]!;
    return there < back ? there : back;
  };
  for (let a = 0; a < count; a++) {
    const la = location[a]!;
    let held = 0;
    if (stride >= 2) {
      // A sample's cost of that rank leaves about EXPECTED_CANDIDATES × k tasks strictly nearer: those collected,
      // the nearest k are among them. Rarely fewer are nearer; then the row is scanned again without the bound.
      let sampled = 0;
      for (let b = 0; b < count; b += stride) if (b !== a) scratch[sampled++] = keyOf(la, b);
      if (sampled > sampleRank) held = scanRow(costs, location, n, rowOnly, a, 0, count, keys, tasks, 0, select(scratch, sampled, sampleRank), size, scratch);
    }
    if (held < size) {
      // The first `size` other tasks are candidates whatever their cost (Infinity too)...
      held = 0;
      let b = 0;
      let bound = -Infinity;
      for (; held < size; b++) {
        if (b === a) continue;
        const key = keyOf(la, b);
        keys[held] = key;
        tasks[held++] = b;
        if (key > bound) bound = key;
      }
      // ...then only a strictly nearer one: later tasks lose ties.
      held = scanRow(costs, location, n, rowOnly, a, b, count, keys, tasks, held, bound, size, scratch);
    }
    if (held > size) keepNearest(keys, tasks, held, size, scratch);
    // Stable insertion sort by cost: the candidates are in task order, so ties stay by task index.
    for (let i = 1; i < size; i++) {
      const key = keys[i]!;
      const task = tasks[i]!;
      let j = i;
      for (; j > 0 && keys[j - 1]! > key; j--) {
        keys[j] = keys[j - 1]!;
        tasks[j] = tasks[j - 1]!;
      }
      keys[j] = key;
      tasks[j] = task;
    }
    lists.push(tasks.slice(0, size));
  }
  return lists;
}

/** Collects tasks b in [from, count) nearer to a than `bound` (see nearestTasks); the candidates held after. */
function scanRow(
  costs: Float32Array | Float64Array,
  location: Int32Array,
  n: number,
  rowOnly: boolean,
  a: number,
  from: number,
  count: number,
  keys: Float64Array,
  tasks: Int32Array,
  held: number,
  bound: number,
  size: number,
  scratch: Float64Array,
): number {
  const capacity = keys.length;
  const la = location[a]!;
  const row = la * n;
  if (rowOnly) {
    for (let b = from; b < count; b++) {
      const key = costs[row + location[b]!]!;
      if (key < bound && b !== a) {
        keys[held] = key;
        tasks[held++] = b;
        if (held === capacity) {
          bound = keepNearest(keys, tasks, held, size, scratch);
          held = size;
        }
      }
    }
  } else {
    for (let b = from; b < count; b++) {
      const lb = location[b]!;
      const there = costs[row + lb]!;
      const back = costs[lb * n + la]!;
      const key = there < back ? there : back;
      if (key < bound && b !== a) {
        keys[held] = key;
        tasks[held++] = b;
        if (held === capacity) {
          bound = keepNearest(keys, tasks, held, size, scratch);
          held = size;
        }
      }
    }
  }
  return held;
}

/**
 * Keeps the `size` nearest of `held` candidates (in task order, so the first of equal costs win) at the front, in
 * their order, and returns the cost of the farthest kept: a later task must be strictly nearer to get in.
 */
function keepNearest(keys: Float64Array, tasks: Int32Array, held: number, size: number, scratch: Float64Array): number {
  if (size === 0) return -Infinity;
  for (let i = 0; i < held; i++) scratch[i] = keys[i]!;
  const bound = select(scratch, held, size - 1);
  let nearer = 0;
  for (let i = 0; i < held; i++) if (keys[i]! < bound) nearer++;
  let ties = size - nearer;
  let kept = 0;
  for (let i = 0; i < held; i++) {
    const key = keys[i]!;
    if (key < bound || (key === bound && ties-- > 0)) {
      keys[kept] = key;
      tasks[kept++] = tasks[i]!;
    }
  }
  return bound;
}

/** The value `rank`-th smallest (from 0) of values[0, length): quickselect, reordering `values`. */
function select(values: Float64Array, length: number, rank: number): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    // The middle of three as pivot: the candidates come in task order, often sorted by cost in stretches.
    const middle = (low + high) >> 1;
    const pivot = median(values[low]!, values[middle]!, values[high]!);
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (rank <= j) high = j;
    else if (rank >= i) low = i;
    else return values[rank]!;
  }
  return values[rank]!;
}

function median(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
