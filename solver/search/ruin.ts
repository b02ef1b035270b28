import type { Rng } from '../model/rng';
import type { SearchSolution } from './solution';

/**
 * SISR ruin (Christiaens & Vanden Berghe 2020): remove a few strings of consecutive stops from routes
 * near a random seed, so that the removed stops are close in space and the recreate step can re-weave them.
 */
export interface RuinSettings {
  /** Average number of removed tasks (c̄). */
  averageRemoved: number;
  /** Longest string removed from one route (L_max). */
  maxStringLength: number;
  /** Probability of keeping each extra stop inside a split string (β). */
  splitKeepRate: number;
}

export const DEFAULT_RUIN: RuinSettings = { averageRemoved: 10, maxStringLength: 10, splitKeepRate: 0.01 };

/** Removes tasks from `solution`, returning them; touched route indices go to `changed`. Locked tasks stay. */
export function ruin(
  solution: SearchSolution,
  neighbors: Int32Array[],
  locked: Uint8Array,
  rng: Rng,
  settings: RuinSettings,
  changed: Set<number>,
): number[] {
  const problem = solution.problem;
  const removed: number[] = [];
  let assigned = 0;
  let usedRoutes = 0;
  for (const route of solution.routes)
    if (route.length > 0) {
      assigned += route.length;
      usedRoutes++;
    }
  if (assigned === 0) return removed;
  const maxLength = Math.min(settings.maxStringLength, assigned / usedRoutes);
  const maxStrings = (4 * settings.averageRemoved) / (1 + maxLength) - 1;
  const strings = Math.floor(rng.next() * maxStrings) + 1;

  let seed = -1;
  for (let attempt = 0; attempt < 20 && seed < 0; attempt++) {
    const t = rng.int(problem.taskCount);
    if (solution.routeOf[t]! >= 0 && !locked[t]) seed = t;
  }
  if (seed < 0) return removed;

  const ruined = new Set<number>();
  const list = neighbors[seed]!;
  for (let i = -1; i < list.length && ruined.size < strings; i++) {
    const c = i < 0 ? seed : list[i]!;
    const r = solution.routeOf[c]!;
    if (r < 0 || ruined.has(r) || locked[c]) continue;
    const route = solution.routes[r]!;
    const index = route.tasks.indexOf(c);
    const free = route.length - route.lockedPrefix;
    const length = Math.floor(rng.next() * Math.min(free, maxLength)) + 1;
    ruined.add(r);
    changed.add(r);
    if (length === free || rng.next() < 0.5) removeString(solution, r, index, length, 0, locked, rng, removed);
    else {
      let kept = 1;
      while (length + kept < free && rng.next() > settings.splitKeepRate) kept++;
      removeString(solution, r, index, length, kept, locked, rng, removed);
    }
  }
  return removed;
}

/** Removes `length` tasks from a window of `length + kept` consecutive ones containing `index`, keeping `kept` in its middle. */
function removeString(
  solution: SearchSolution,
  r: number,
  index: number,
  length: number,
  kept: number,
  locked: Uint8Array,
  rng: Rng,
  removed: number[],
): void {
  const route = solution.routes[r]!;
  const span = length + kept;
  const lowest = Math.max(route.lockedPrefix, index - span + 1);
  const highest = Math.min(index, route.length - span);
  const first = lowest + rng.int(Math.max(1, highest - lowest + 1));
  const keptAt = kept > 0 ? first + 1 + rng.int(Math.max(1, length - 1)) : -1;
  const victims: number[] = [];
  for (let k = first; k < first + span && k < route.length; k++) {
    if (keptAt >= 0 && k >= keptAt && k < keptAt + kept) continue;
    const t = route.tasks[k]!;
    if (!locked[t]) victims.push(t);
  }
  const problem = solution.problem;
  for (const t of victims) {
    const partner = problem.taskPartner[t]!;
    if (partner >= 0 && solution.routeOf[partner] === r && !victims.includes(partner) && !locked[partner]) victims.push(partner);
  }
  const gone = new Set(victims.filter((t) => solution.routeOf[t] === r));
  route.tasks = route.tasks.filter((t) => !gone.has(t));
  for (const t of gone) {
    solution.routeOf[t] = -1;
    removed.push(t);
  }
  route.update();
}
