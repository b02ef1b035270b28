/**
 * The order of OSRM's /trip: a travelling-salesman tour over a duration matrix, with OSRM's `source`,
 * `destination` and `roundtrip` constraints. Exact (Held–Karp dynamic programming) up to
 * `exactUpTo` points; beyond, nearest-neighbour construction improved by 2-opt and or-opt moves until
 * none improves. Asymmetric matrices are fine: every move is judged on the order's full cost.
 */
export interface TripConstraints {
  /** The tour returns to its first point. */
  roundtrip: boolean;
  /** The first point of the order is coordinate 0. */
  startAtFirst: boolean;
  /** The last point of the order (before returning, on a round trip) is the last coordinate. */
  endAtLast: boolean;
}

export interface TripOrder {
  /** Coordinate indexes in visiting order, each once. */
  order: number[];
  /** Seconds of the order, the way back included on a round trip. */
  durationSeconds: number;
  /** Held–Karp's optimum, or a local optimum of the heuristic. */
  exact: boolean;
}

/** Held–Karp needs n · 2ⁿ states: 12 points are 49,152, solved in a few milliseconds. */
export const exactUpTo = 12;

export function solveTrip(durations: number[][], constraints: TripConstraints): TripOrder {
  const n = durations.length;
  if (n === 1) return { order: [0], durationSeconds: 0, exact: true };
  const { roundtrip } = constraints;
  // A round trip's cost does not depend on where the cycle is entered: fix its entry at 0, and when the
  // last coordinate must close the tour without coordinate 0 opening it, rotate afterwards.
  const start = constraints.startAtFirst || roundtrip ? 0 : undefined;
  const end = constraints.endAtLast && (!roundtrip || constraints.startAtFirst) ? n - 1 : undefined;
  const cost = (order: number[]) => orderCost(durations, order, roundtrip);
  const solved = n <= exactUpTo ? heldKarp(durations, roundtrip, start, end) : localSearch(durations, cost, start, end);
  let order = solved;
  if (roundtrip && constraints.endAtLast && !constraints.startAtFirst) {
    const at = order.indexOf(n - 1);
    order = [...order.slice(at + 1), ...order.slice(0, at + 1)];
  }
  return { order, durationSeconds: cost(order), exact: n <= exactUpTo };
}

export function orderCost(durations: number[][], order: number[], roundtrip: boolean): number {
  let total = 0;
  for (let i = 1; i < order.length; i++) total += durations[order[i - 1]!]![order[i]!]!;
  if (roundtrip && order.length > 1) total += durations[order.at(-1)!]![order[0]!]!;
  return total;
}

function heldKarp(durations: number[][], roundtrip: boolean, start: number | undefined, end: number | undefined): number[] {
  const n = durations.length;
  const full = (1 << n) - 1;
  const best = new Float64Array((1 << n) * n).fill(Infinity);
  const previous = new Int8Array((1 << n) * n).fill(-1);
  for (let i = 0; i < n; i++) if (start === undefined || i === start) best[(1 << i) * n + i] = 0;
  for (let mask = 1; mask <= full; mask++) {
    for (let last = 0; last < n; last++) {
      const here = best[mask * n + last]!;
      if (here === Infinity || !(mask & (1 << last))) continue;
      for (let next = 0; next < n; next++) {
        if (mask & (1 << next)) continue;
        // The fixed end comes last: only when every other point is in.
        if (next === end && (mask | (1 << next)) !== full) continue;
        const state = (mask | (1 << next)) * n + next;
        const value = here + durations[last]![next]!;
        if (value < best[state]!) {
          best[state] = value;
          previous[state] = last;
        }
      }
    }
  }
  let last = -1;
  let bestTotal = Infinity;
  for (let i = 0; i < n; i++) {
    if (end !== undefined && i !== end) continue;
    const total = best[full * n + i]! + (roundtrip ? durations[i]![start ?? 0]! : 0);
    if (total < bestTotal) [bestTotal, last] = [total, i];
  }
  const order: number[] = [];
  for (let mask = full; last >= 0; ) {
    order.push(last);
    const before = previous[mask * n + last]!;
    mask &= ~(1 << last);
    last = before;
  }
  return order.reverse();
}

function localSearch(durations: number[][], cost: (order: number[]) => number, start: number | undefined, end: number | undefined): number[] {
  const n = durations.length;
  const free = new Set(Array.from({ length: n }, (_, i) => i));
  const order: number[] = [];
  let at = start ?? 0;
  free.delete(at);
  if (end !== undefined) free.delete(end);
  order.push(at);
  while (free.size > 0) {
    let nearest = -1;
    for (const candidate of free) if (nearest < 0 || durations[at]![candidate]! < durations[at]![nearest]!) nearest = candidate;
    free.delete(nearest);
    order.push(nearest);
    at = nearest;
  }
  if (end !== undefined) order.push(end);
  // Positions that may move: all but a fixed first and last.
  const low = start === undefined ? 0 : 1;
  const high = end === undefined ? n - 1 : n - 2;
  let current = cost(order);
  for (let improved = true; improved; ) {
    improved = false;
    for (let i = low; i < high; i++) {
      for (let j = i + 1; j <= high; j++) {
        const reversed = [...order.slice(0, i), ...order.slice(i, j + 1).reverse(), ...order.slice(j + 1)];
        const value = cost(reversed);
        if (value < current - 1e-9) {
          order.splice(0, n, ...reversed);
          current = value;
          improved = true;
        }
      }
    }
    // or-opt: move a run of 1–3 points elsewhere.
    for (let length = 1; length <= 3; length++) {
      for (let i = low; i + length - 1 <= high; i++) {
        const run = order.slice(i, i + length);
        const rest = [...order.slice(0, i), ...order.slice(i + length)];
        for (let k = low; k <= rest.length - (n - 1 - high); k++) {
          if (k === i) continue;
          const moved = [...rest.slice(0, k), ...run, ...rest.slice(k)];
          const value = cost(moved);
          if (value < current - 1e-9) {
            order.splice(0, n, ...moved);
            current = value;
            improved = true;
            break;
          }
        }
      }
    }
  }
  return order;
}
