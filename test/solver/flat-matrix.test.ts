import { describe, expect, it } from 'vitest';
import { generateDay } from '../../benchmarks/generated-day';
import { checkSolution } from '../../solver/check';
import { solve } from '../../solver/index';
import { buildProblem } from '../../solver/model/problem';
import type { VroomInput, VroomProblem } from '../../solver/model/vroom';
import { validateProblem } from '../../solver/validate';
import { encodeMatrix, splitMatrices, withFlatMatrices } from '../../solver/worker-transfer';

/** The same problem with its matrices flat (shared memory, as the service sends them to the solver's threads). */
const flat = (problem: VroomProblem): VroomInput => {
  const { problem: rest, matrices } = splitMatrices(problem, { shared: true });
  return withFlatMatrices(rest, matrices);
};

const line = (durations: (number | null)[][]): VroomProblem => ({
  jobs: [
    { id: 1, location_index: 1 },
    { id: 2, location_index: 2 },
  ],
  vehicles: [{ id: 1, start_index: 0, end_index: 0 }],
  matrices: { car: { durations: durations as number[][], distances: durations.map((row) => row.map((value) => (value === null ? null : value * 10))) as number[][] } },
});

const square = (size: number) => Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => Math.abs(i - j) * 60));

describe('flat matrices', () => {
  it('give the same validation issues as rows for the same bad entries, at the same paths', () => {
    const bad = square(4);
    bad[3]![2] = -5;
    bad[1]![3] = Infinity;
    bad[2]![0] = 12.5;
    const nested = line(bad);
    const nestedIssues = validateProblem(nested, { dialect: 'vroom' });
    expect(nestedIssues.map((issue) => issue.path)).toEqual([
      'matrices.car.durations[1][3]',
      'matrices.car.durations[2][0]',
      'matrices.car.durations[3][2]',
      'matrices.car.distances[1][3]',
      'matrices.car.distances[3][2]',
    ]);
    expect(validateProblem(flat(nested), { dialect: 'vroom' })).toEqual(nestedIssues);
    // Without VROOM's dialect a fraction is fine, in both forms.
    expect(validateProblem(flat(nested))).toEqual(validateProblem(nested));
    expect(validateProblem(nested)).toHaveLength(4);
  });

  it('read NaN as null (no road): accepted, and the pair unreachable in the model as with rows', () => {
    const withGap = square(3);
    (withGap[0] as (number | null)[])[2] = null;
    const nested = line(withGap);
    expect(validateProblem(nested)).toEqual([]);
    expect(validateProblem(flat(nested))).toEqual([]);
    expect(buildProblem(flat(nested)).types).toEqual(buildProblem(nested).types);
    expect(buildProblem(nested).types[0]!.durations[0 * 4 + 2]).toBe(Infinity);
    // In rows NaN is no number a road can have: reported, as before.
    withGap[0]![2] = NaN;
    expect(validateProblem(line(withGap)).map((issue) => `${issue.path} ${issue.message}`)).toContain(
      'matrices.car.durations[0][2] is NaN; entries must be finite numbers ≥ 0 (or null for no road)',
    );
  });

  it('that do not fill size × size read as the rows they encode, with the same shape issues', () => {
    const rows = square(3);
    const values = encodeMatrix(rows).values;
    const cases: Array<[string, (number | null)[][], Float64Array]> = [
      ['short', [rows[0]!, rows[1]!, rows[2]!.slice(0, 1)], values.subarray(0, 7)],
      ['long', [...rows, [1, 2, 3]], Float64Array.from([...Array.from(values), 1, 2, 3])],
    ];
    for (const [, nestedRows, flatValues] of cases) {
      const nested = { ...line(square(3)), matrices: { car: { durations: nestedRows as number[][] } } };
      const issues = validateProblem(nested);
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((issue) => issue.code === 'matrix_shape')).toBe(true);
      expect(validateProblem({ ...nested, matrices: { car: { durations: { size: 3, values: flatValues } } } })).toEqual(issues);
    }
    // Sizes that differ between a profile's matrices, and indexes beyond them.
    const mismatched = { ...line(square(3)), matrices: { car: { durations: square(3), distances: square(4) } } };
    const outOfRange = { ...line(square(3)), jobs: [{ id: 1, location_index: 5 }] };
    for (const problem of [mismatched, outOfRange]) {
      const issues = validateProblem(problem);
      expect(issues).toHaveLength(1);
      expect(validateProblem(flat(problem))).toEqual(issues);
    }
    expect(validateProblem({ ...line(square(3)), matrices: { car: { durations: { size: 3, values: [0, 1] } } } })[0]).toMatchObject({
      code: 'invalid_type',
      path: 'matrices.car.durations',
    });
  });

  it('solve to the same routes as rows for the same seed, and check alike', () => {
    const nested = generateDay(150, 8, 3);
    const fromFlat = flat(nested);
    // The same entries; a flat matrix with every road given is read where it lies (float64) instead of copied.
    const values = (types: ReturnType<typeof buildProblem>['types']) => types.map((type) => ({ durations: [...type.durations], distances: [...type.distances], costs: [...type.costs] }));
    expect(buildProblem(fromFlat).types[0]!.durations).toBe(fromFlat.matrices!.car!.durations!.values);
    expect(values(buildProblem(fromFlat).types)).toEqual(values(buildProblem(nested).types));
    for (const seed of [1, 2]) {
      const options = { seed, stop: { maxIterations: 300 } };
      const expected = solve(nested, options);
      expect(expected.code).toBe(0);
      const solution = solve(fromFlat, options);
      expect(solution).toEqual(expected);
      const check = checkSolution(fromFlat, solution);
      expect(check.issues).toEqual([]);
      expect(check).toEqual(checkSolution(nested, expected));
    }
  });

  it('are re-checked by the checker from the flat values: a wrong travel time is caught', () => {
    const nested = generateDay(30, 2, 5);
    const solution = solve(nested, { seed: 1, stop: { maxIterations: 50 } });
    const fromFlat = flat(nested);
    expect(checkSolution(fromFlat, solution).feasible).toBe(true);
    // Every travel time doubled: the solution's arrivals no longer add up.
    const durations = fromFlat.matrices!.car!.durations as { size: number; values: Float64Array };
    const slower = { ...fromFlat, matrices: { car: { durations: { size: durations.size, values: durations.values.map((value) => value * 2) } } } };
    const check = checkSolution(slower, solution);
    expect(check.feasible).toBe(false);
    expect(check.duration).toBeCloseTo(checkSolution(fromFlat, solution).duration * 2, 6);
  });
});
