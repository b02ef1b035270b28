import type { Problem } from '../../model/problem';
import type { Rng } from '../../model/rng';
import type { SearchRoute } from '../route';
import type { SearchSolution } from '../solution';

/**
 * 2-opt*: two routes swap their tails — route a keeps positions 0..i and continues with b's tail after j, and
 * b keeps 0..j and continues with a's tail after i. Crosses routes in a way string removals rarely find.
 * Evaluated in O(dimensions) from the route caches; only between interchangeable vehicles (same class: same
 * depot, shift, capacity, costs), without shipments (a tail could split a pair) or exact-only routes.
 */
export const twoOptStar = {
  name: '2-opt*',

  supports(problem: Problem): boolean {
    return problem.shipmentCount === 0;
  },

  /** Cost change of exchanging the tails after positions i of a and j of b; Infinity when infeasible. */
  evaluate(a: SearchRoute, i: number, b: SearchRoute, j: number): number {
    const p = a.problem;
    const va = a.vehicle;
    if (va === b.vehicle || p.vehicleClass[va] !== p.vehicleClass[b.vehicle] || a.exact || b.exact) return Infinity;
    if (i < a.lockedPrefix || j < b.lockedPrefix) return Infinity;
    const lenA = a.length;
    const lenB = b.length;
    if ((i === lenA && j === lenB) || (i === 0 && j === 0)) return Infinity;
    const maxTasks = p.vehicleMaxTasks[va]!;
    if (i + lenB - j > maxTasks || j + lenA - i > maxTasks) return Infinity;
    const type = p.types[p.vehicleType[va]!]!;
    const durations = type.durations;
    const n = p.locations;
    const ai = a.location[i]!;
    const ai1 = a.location[i + 1]!;
    const bj = b.location[j]!;
    const bj1 = b.location[j + 1]!;

    if (!b.canArrive(j + 1, a.departEarliest[i]! + durations[ai * n + bj1]!, j < lenB && bj === bj1 && ai !== bj1)) return Infinity;
    if (!a.canArrive(i + 1, b.departEarliest[j]! + durations[bj * n + ai1]!, i < lenA && ai === ai1 && bj !== ai1)) return Infinity;

    const dims = p.dimensions;
    for (let d = 0; d < dims; d++) {
      const capacity = p.vehicleCapacity[va * dims + d]!;
      const tailA = a.startLoadBefore[(lenA + 1) * dims + d]! - a.startLoadBefore[i * dims + d]!;
      const tailB = b.startLoadBefore[(lenB + 1) * dims + d]! - b.startLoadBefore[j * dims + d]!;
      const carriedA = a.load[i * dims + d]! - tailA;
      const carriedB = b.load[j * dims + d]! - tailB;
      if (a.prefixMaxLoad[i * dims + d]! - tailA + tailB > capacity) return Infinity;
      if (b.suffixMaxLoad[(j + 1) * dims + d]! + carriedA - carriedB > capacity) return Infinity;
      if (b.prefixMaxLoad[j * dims + d]! - tailB + tailA > capacity) return Infinity;
      if (a.suffixMaxLoad[(i + 1) * dims + d]! + carriedB - carriedA > capacity) return Infinity;
    }

    const maxTravel = p.vehicleMaxTravelTime[va]!;
    if (maxTravel < Infinity) {
      if (a.travelBefore[i]! + durations[ai * n + bj1]! + b.travelDuration - b.travelBefore[j + 1]! > maxTravel) return Infinity;
      if (b.travelBefore[j]! + durations[bj * n + ai1]! + a.travelDuration - a.travelBefore[i + 1]! > maxTravel) return Infinity;
    }
    const maxDistance = p.vehicleMaxDistance[va]!;
    if (maxDistance < Infinity) {
      const distances = type.distances;
      if (a.distanceBefore[i]! + distances[ai * n + bj1]! + b.distance - b.distanceBefore[j + 1]! > maxDistance) return Infinity;
      if (b.distanceBefore[j]! + distances[bj * n + ai1]! + a.distance - a.distanceBefore[i + 1]! > maxDistance) return Infinity;
    }

    const costs = type.costs;
    let delta = costs[ai * n + bj1]! + costs[bj * n + ai1]! - costs[ai * n + ai1]! - costs[bj * n + bj1]!;
    if (i + lenB - j === 0) delta -= p.vehicleFixedCost[va]!;
    if (j + lenA - i === 0) delta -= p.vehicleFixedCost[va]!;
    return delta;
  },

  apply(solution: SearchSolution, a: SearchRoute, i: number, b: SearchRoute, j: number): void {
    const tailA = a.tasks.slice(i);
    const tailB = b.tasks.slice(j);
    a.tasks = a.tasks.slice(0, i).concat(tailB);
    b.tasks = b.tasks.slice(0, j).concat(tailA);
    for (const t of tailB) solution.routeOf[t] = a.vehicle;
    for (const t of tailA) solution.routeOf[t] = b.vehicle;
    a.update();
    b.update();
  },
};

const IMPROVEMENT = 1e-9;

/**
 * First-improvement descent with 2-opt* over granular neighbourhoods: for each task u and each near task w in
 * another route, try "u then w" and "w then u". Scans `tasks` (default: every assigned task) until none
 * improves; touched routes go to `changed`. Returns the total gain.
 */
export function twoOptStarDescent(
  solution: SearchSolution,
  neighbors: Int32Array[],
  granularity: number,
  rng: Rng,
  changed: Set<number>,
  tasks?: number[],
): number {
  const problem = solution.problem;
  if (!twoOptStar.supports(problem)) return 0;
  const order: number[] = tasks ? tasks.slice() : [];
  if (!tasks) for (const route of solution.routes) order.push(...route.tasks);
  rng.shuffle(order);
  let gain = 0;
  let improved = true;
  while (improved) {
    improved = false;
    for (const u of order) {
      const ra = solution.routeOf[u]!;
      if (ra < 0) continue;
      const list = neighbors[u]!;
      for (let k = 0, end = Math.min(granularity, list.length); k < end; k++) {
        const w = list[k]!;
        const rb = solution.routeOf[w]!;
        if (rb < 0 || rb === ra) continue;
        const a = solution.routes[ra]!;
        const b = solution.routes[rb]!;
        const i = solution.positionOf[u]!;
        const j = solution.positionOf[w]!;
        let delta = twoOptStar.evaluate(a, i, b, j - 1);
        if (delta < -IMPROVEMENT) {
          twoOptStar.apply(solution, a, i, b, j - 1);
        } else {
          delta = twoOptStar.evaluate(b, j, a, i - 1);
          if (!(delta < -IMPROVEMENT)) continue;
          twoOptStar.apply(solution, b, j, a, i - 1);
        }
        gain -= delta;
        changed.add(ra);
        changed.add(rb);
        improved = true;
        break;
      }
    }
  }
  return gain;
}
