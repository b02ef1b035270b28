import { TASK_DELIVERY, TASK_PICKUP, type Problem } from '../model/problem';
import type { Rng } from '../model/rng';
import type { SearchSolution } from './solution';

/** How often recreate skips a position ("blinks"), as SISR does. */
export const BLINK_RATE = 0.01;
/** Recreate tries a task next to this many of its nearest tasks before trying everywhere. */
export const GRANULARITY = 40;

/**
 * Greedy insertion with blinks (SISR's recreate): tasks in a randomly chosen order, each at its cheapest
 * feasible position, skipping each candidate position with a small probability so that repeated runs explore.
 * With `neighbors`, a task is first tried only next to its nearest tasks (and in one empty route per vehicle
 * class), the whole solution only when none of those fits. Shipments are inserted as pairs, over all routes.
 * Tasks that fit nowhere join `unassigned`.
 */
export function recreate(
  solution: SearchSolution,
  tasks: number[],
  rng: Rng,
  blinkRate: number,
  changed: Set<number>,
  neighbors?: Int32Array[],
  granularity = 0,
  order: InsertionOrder = drawOrder(rng),
): void {
  const problem = solution.problem;
  orderForInsertion(problem, tasks, rng, order);
  const pair = new Int32Array(2);
  const bestPair = new Int32Array(2);
  const seenClass = new Int32Array(problem.vehicleCount).fill(-1);
  const vehicleCount = problem.vehicleCount;
  const skip = blinkRate > 0 ? () => rng.next() < blinkRate : undefined;
  let best: number;
  let bestRoute: number;
  let bestPosition: number;
  const consider = (r: number, position: number, t: number): void => {
    if (skip !== undefined && rng.next() < blinkRate) return;
    const delta = solution.routes[r]!.insertionDelta(t, position, best);
    if (delta < best) {
      best = delta;
      bestRoute = r;
      bestPosition = position;
    }
  };
  let stamp = 0;
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (problem.taskKind[t] === TASK_DELIVERY) continue; // inserted with its pickup
    const delivery = problem.taskKind[t] === TASK_PICKUP ? problem.taskPartner[t]! : -1;
    best = Infinity;
    bestRoute = -1;
    bestPosition = -1;
    if (delivery < 0 && neighbors !== undefined) {
      const list = neighbors[t]!;
      for (let k = 0, end = Math.min(granularity, list.length); k < end; k++) {
        const w = list[k]!;
        const r = solution.routeOf[w]!;
        if (r < 0 || !problem.allowed[t * vehicleCount + r]) continue;
        const position = solution.positionOf[w]!;
        const route = solution.routes[r]!;
        if (position > route.lockedPrefix) consider(r, position, t);
        if (position >= route.lockedPrefix) consider(r, position + 1, t);
      }
      stamp++;
      for (const route of solution.routes) {
        if (route.length > 0 || !problem.allowed[t * vehicleCount + route.vehicle]) continue;
        const cls = problem.vehicleClass[route.vehicle]!;
        if (seenClass[cls] === stamp) continue;
        seenClass[cls] = stamp;
        consider(route.vehicle, 1, t);
      }
    }
    if (bestRoute < 0) {
      stamp++;
      for (const route of solution.routes) {
        const v = route.vehicle;
        if (!problem.allowed[t * vehicleCount + v]) continue;
        if (route.length === 0) {
          // Interchangeable empty vehicles: trying one per class is enough.
          const cls = problem.vehicleClass[v]!;
          if (seenClass[cls] === stamp) continue;
          seenClass[cls] = stamp;
        }
        if (delivery >= 0) {
          if (!problem.allowed[delivery * vehicleCount + v]) continue;
          const delta = route.bestPairInsertion(t, delivery, pair, skip, best);
          if (delta < best) {
            best = delta;
            bestRoute = v;
            bestPair.set(pair);
          }
          continue;
        }
        for (let position = route.lockedPrefix + 1, last = route.length + 1; position <= last; position++) consider(v, position, t);
      }
    }
    if (bestRoute < 0) {
      solution.unassigned.push(t);
      if (delivery >= 0) solution.unassigned.push(delivery);
      continue;
    }
    const route = solution.routes[bestRoute]!;
    if (delivery >= 0) {
      // Delivery first: its position counts in the list before the pickup goes in.
      route.insert(delivery, bestPair[1]!);
      route.insert(t, bestPair[0]!);
      solution.routeOf[delivery] = bestRoute;
    } else route.insert(t, bestPosition);
    solution.routeOf[t] = bestRoute;
    route.update();
    changed.add(bestRoute);
  }
}

export type InsertionOrder = 'random' | 'demand' | 'far' | 'close';

/** SISR's draw of an order: random (weight 4), largest demand (4), farthest (2), closest (1). */
function drawOrder(rng: Rng): InsertionOrder {
  const draw = rng.int(11);
  return draw < 4 ? 'random' : draw < 8 ? 'demand' : draw < 10 ? 'far' : 'close';
}

/** Sorts tasks for insertion: higher priority always first, then by `order` (ties stay shuffled). */
function orderForInsertion(problem: Problem, tasks: number[], rng: Rng, order: InsertionOrder): void {
  rng.shuffle(tasks);
  const dims = problem.dimensions;
  const key = new Map<number, number>();
  if (order !== 'random') {
    const n = problem.locations;
    const v = 0;
    const depot = problem.vehicleStart[v] !== problem.noLocation ? problem.vehicleStart[v]! : problem.vehicleEnd[v]!;
    const costs = problem.types[problem.vehicleType[v]!]!.costs;
    for (const t of tasks) {
      let value = 0;
      if (order === 'demand') for (let d = 0; d < dims; d++) value += problem.taskStartLoad[t * dims + d]! + Math.abs(problem.taskLoadChange[t * dims + d]!);
      else value = costs[depot * n + problem.taskLocation[t]!]! * (order === 'far' ? 1 : -1);
      key.set(t, value);
    }
  }
  tasks.sort((a, b) => problem.taskPriority[b]! - problem.taskPriority[a]! || (key.get(b) ?? 0) - (key.get(a) ?? 0));
}
