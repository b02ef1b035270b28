import type { Problem } from '../../model/problem';
import type { Rng } from '../../model/rng';
import type { SearchRoute } from '../route';
import { simulateRoute } from '../schedule';
import type { SearchSolution } from '../solution';

/**
 * 2-opt*: two routes swap their tails — route a keeps positions 0..i and continues with b's tail after j, and
 * b keeps 0..j and continues with a's tail after i. Crosses routes in a way string removals rarely find.
 * A cut never splits a shipment (the route's open-pair count there is 0), so pairs move whole. Between vehicles of
 * one route class whose routes the caches describe exactly, evaluated in O(dimensions); otherwise (vehicle types,
 * shifts, capacities or breaks that differ, working-time or soft-window costs) the two new routes are simulated,
 * when their travel improves (with travel costs that is the whole cost change).
 */
export const twoOptStar = {
  name: '2-opt*',

  /** Balance prices the spread of working times, which a descent on route costs could widen. */
  supports(problem: Problem): boolean {
    return problem.minimize !== 'balance';
  },

  /** Cost change of exchanging the tails after positions i of a and j of b; Infinity when infeasible. */
  evaluate(a: SearchRoute, i: number, b: SearchRoute, j: number): number {
    const p = a.problem;
    const va = a.vehicle;
    const vb = b.vehicle;
    if (va === vb || a.closed || b.closed) return Infinity;
    if (i < a.lockedPrefix || j < b.lockedPrefix) return Infinity;
    const lenA = a.length;
    const lenB = b.length;
    if ((i === lenA && j === lenB) || (i === 0 && j === 0)) return Infinity;
    if (a.openPairs[i] !== 0 || b.openPairs[j] !== 0) return Infinity;
    if (i + lenB - j > p.vehicleMaxTasks[va]! || j + lenA - i > p.vehicleMaxTasks[vb]!) return Infinity;
    if (p.vehicleRouteClass[va] !== p.vehicleRouteClass[vb] || a.exact || b.exact) return simulatedDelta(a, i, b, j);
    const type = p.types[p.vehicleType[va]!]!;
    const durations = type.durations;
    const n = p.locations;
    const ai = a.location[i]!;
    const ai1 = a.location[i + 1]!;
    const bj = b.location[j]!;
    const bj1 = b.location[j + 1]!;

    const gainsB = j < lenB && bj === bj1 && ai !== bj1;
    const gainsA = i < lenA && ai === ai1 && bj !== ai1;
    if (!b.canArrive(j + 1, a.departEarliest[i]! + durations[ai * n + bj1]!, gainsB)) return Infinity;
    if (!a.canArrive(i + 1, b.departEarliest[j]! + durations[bj * n + ai1]!, gainsA)) return Infinity;
    if (a.breakCached) {
      // One route class, so the same breaks: each head's break states must reach the other tail in time.
      if (breakState.length < p.vehicleBreaks[va]!.length + 1) breakState = new Float64Array(p.vehicleBreaks[va]!.length + 1);
      a.readyAt(i, breakState);
      if (!b.reaches(breakState, ai, j + 1, gainsB)) return Infinity;
      b.readyAt(j, breakState);
      if (!a.reaches(breakState, bj, i + 1, gainsA)) return Infinity;
    }

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

let scratchA = new Int32Array(0);
let breakState = new Float64Array(0);
let scratchB = new Int32Array(0);

/** Travel cost (fixed included) of vehicle v on tasks[0..length). */
function travelCost(p: Problem, v: number, tasks: Int32Array, length: number): number {
  if (length === 0) return 0;
  const costs = p.types[p.vehicleType[v]!]!.costs;
  const n = p.locations;
  let cost = p.vehicleFixedCost[v]!;
  let from = p.vehicleStart[v]!;
  for (let k = 0; k < length; k++) {
    const to = p.taskLocation[tasks[k]!]!;
    cost += costs[from * n + to]!;
    from = to;
  }
  return cost + costs[from * n + p.vehicleEnd[v]!]!;
}

/** The exchange simulated on both vehicles: what differs between them, and what the caches leave out, is priced. */
function simulatedDelta(a: SearchRoute, i: number, b: SearchRoute, j: number): number {
  const p = a.problem;
  const lengthA = i + b.length - j;
  const lengthB = j + a.length - i;
  if (scratchA.length < lengthA || scratchB.length < lengthB) {
    scratchA = new Int32Array(Math.max(lengthA, lengthB, 2 * scratchA.length));
    scratchB = new Int32Array(scratchA.length);
  }
  for (let k = 0; k < i; k++) scratchA[k] = a.tasks[k]!;
  for (let k = j; k < b.length; k++) scratchA[i + k - j] = b.tasks[k]!;
  for (let k = 0; k < j; k++) scratchB[k] = b.tasks[k]!;
  for (let k = i; k < a.length; k++) scratchB[j + k - i] = a.tasks[k]!;
  const travel = travelCost(p, a.vehicle, scratchA, lengthA) + travelCost(p, b.vehicle, scratchB, lengthB) - a.travelCost - b.travelCost;
  if (!(travel < -IMPROVEMENT)) return Infinity;
  const first = simulateRoute(p, a.vehicle, scratchA, lengthA, false);
  if (!first.feasible) return Infinity;
  const second = simulateRoute(p, b.vehicle, scratchB, lengthB, false);
  if (!second.feasible) return Infinity;
  return first.cost + second.cost - a.cost - b.cost;
}

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
