import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exactUpTo, orderCost, solveTrip, type TripConstraints } from '../../src/routing/trip';

const permutations = (items: number[]): number[][] =>
  items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

/** A random asymmetric matrix of whole seconds, zero on the diagonal. */
const matrixOf = (size: number) =>
  fc.array(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: size, maxLength: size }), { minLength: size, maxLength: size }).map((rows) => rows.map((row, i) => row.map((value, j) => (i === j ? 0 : value))));

const constraintSets: TripConstraints[] = [
  { roundtrip: true, startAtFirst: false, endAtLast: false },
  { roundtrip: true, startAtFirst: true, endAtLast: false },
  { roundtrip: true, startAtFirst: false, endAtLast: true },
  { roundtrip: true, startAtFirst: true, endAtLast: true },
  { roundtrip: false, startAtFirst: true, endAtLast: false },
  { roundtrip: false, startAtFirst: false, endAtLast: true },
  { roundtrip: false, startAtFirst: true, endAtLast: true },
];

const respects = (order: number[], n: number, { startAtFirst, endAtLast }: TripConstraints) =>
  (!startAtFirst || order[0] === 0) && (!endAtLast || order.at(-1) === n - 1) && [...order].sort((a, b) => a - b).every((index, i) => index === i);

describe('solveTrip', () => {
  it('finds the optimum of every order (brute force) on small asymmetric matrices, under each constraint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }).chain(matrixOf), (durations) => {
        const n = durations.length;
        for (const constraints of constraintSets) {
          const { order, durationSeconds, exact } = solveTrip(durations, constraints);
          expect(exact).toBe(true);
          expect(respects(order, n, constraints)).toBe(true);
          const best = Math.min(...permutations(durations.map((_, i) => i)).filter((candidate) => respects(candidate, n, constraints)).map((candidate) => orderCost(durations, candidate, constraints.roundtrip)));
          expect(durationSeconds).toBe(best);
          expect(orderCost(durations, order, constraints.roundtrip)).toBe(durationSeconds);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('beyond the exact size, answers a valid order that no 2-opt reversal improves', () => {
    fc.assert(
      fc.property(fc.integer({ min: exactUpTo + 1, max: 30 }).chain(matrixOf), (durations) => {
        const n = durations.length;
        for (const constraints of [constraintSets[0]!, constraintSets[6]!]) {
          const { order, durationSeconds, exact } = solveTrip(durations, constraints);
          expect(exact).toBe(false);
          expect(respects(order, n, constraints)).toBe(true);
          const [low, high] = constraints.startAtFirst ? [1, n - 2] : [1, n - 1];
          for (let i = low; i < high; i++) {
            for (let j = i + 1; j <= high; j++) {
              const reversed = [...order.slice(0, i), ...order.slice(i, j + 1).reverse(), ...order.slice(j + 1)];
              expect(orderCost(durations, reversed, constraints.roundtrip)).toBeGreaterThanOrEqual(durationSeconds);
            }
          }
        }
      }),
      { numRuns: 10 },
    );
  });
});
