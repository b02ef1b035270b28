/**
 * Matrices on their way to a worker thread. A number[][] is structured-cloned number by number; one
 * Float64Array goes as a single block, and on a SharedArrayBuffer not at all (every seed's task reads the
 * same memory). The solver reads them flat as they come (model/matrix-input.ts): no thread turns them back into
 * rows. `benchmarks/optimize-matrix-transfer.ts` measures the three. Null (no road) travels as NaN.
 */
import type { FlatMatrix } from './model/matrix-input';
import type { VroomInput, VroomMatrix, VroomProblem } from './model/vroom';

export type FlatMatrices = Record<string, { [K in keyof VroomMatrix]?: FlatMatrix }>;

const KINDS = ['durations', 'distances', 'costs'] as const;

export function encodeMatrix(rows: (number | null)[][], { shared = false } = {}): FlatMatrix & { values: Float64Array } {
  const size = rows.length;
  const buffer = shared ? new SharedArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT) : new ArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT);
  const values = new Float64Array(buffer);
  for (let i = 0; i < size; i++) {
    const row = rows[i]!;
    for (let j = 0; j < size; j++) values[i * size + j] = row[j] ?? NaN;
  }
  return { size, values };
}

/** The problem without its matrices, and the matrices flat (shared: no copy per task). */
export function splitMatrices(problem: VroomProblem, options: { shared?: boolean } = {}): { problem: VroomProblem; matrices: FlatMatrices } {
  const { matrices = {}, ...rest } = problem;
  const flat: FlatMatrices = {};
  for (const [profile, matrix] of Object.entries(matrices)) {
    flat[profile] = {};
    for (const kind of KINDS) if (matrix[kind]) flat[profile][kind] = encodeMatrix(matrix[kind], options);
  }
  return { problem: rest, matrices: flat };
}

/** The problem with its flat matrices back in place, as the solver reads it (nothing is copied). */
export function withFlatMatrices(problem: VroomProblem, matrices: FlatMatrices): VroomInput {
  return { ...problem, matrices };
}
