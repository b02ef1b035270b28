/**
 * Matrices on their way to a worker thread. A number[][] is structured-cloned number by number; one
 * Float64Array goes as a single block, and on a SharedArrayBuffer not at all (every seed's task reads the
 * same memory). `benchmarks/optimize-matrix-transfer.ts` measures the three. Null (no road) travels as NaN.
 */
import type { VroomMatrix, VroomProblem } from './model/vroom';

export interface FlatMatrix {
  size: number;
  /** Row-major, size × size. */
  values: Float64Array;
}

export type FlatMatrices = Record<string, { [K in keyof VroomMatrix]?: FlatMatrix }>;

const KINDS = ['durations', 'distances', 'costs'] as const;

export function encodeMatrix(rows: (number | null)[][], { shared = false } = {}): FlatMatrix {
  const size = rows.length;
  const buffer = shared ? new SharedArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT) : new ArrayBuffer(size * size * Float64Array.BYTES_PER_ELEMENT);
  const values = new Float64Array(buffer);
  for (let i = 0; i < size; i++) {
    const row = rows[i]!;
    for (let j = 0; j < size; j++) values[i * size + j] = row[j] ?? NaN;
  }
  return { size, values };
}

export function decodeMatrix({ size, values }: FlatMatrix): (number | null)[][] {
  const rows = new Array<(number | null)[]>(size);
  for (let i = 0; i < size; i++) {
    const row = new Array<number | null>(size);
    for (let j = 0; j < size; j++) {
      const value = values[i * size + j]!;
      row[j] = Number.isNaN(value) ? null : value;
    }
    rows[i] = row;
  }
  return rows;
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

/** The inverse of splitMatrices, run in the worker. */
export function joinMatrices(problem: VroomProblem, matrices: FlatMatrices): VroomProblem {
  const nested: Record<string, VroomMatrix> = {};
  for (const [profile, matrix] of Object.entries(matrices)) {
    nested[profile] = {};
    for (const kind of KINDS) if (matrix[kind]) nested[profile][kind] = decodeMatrix(matrix[kind]) as number[][];
  }
  return { ...problem, matrices: nested };
}
