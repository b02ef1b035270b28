/**
 * A travel matrix as a caller gives it: nested rows (JSON), or flat row-major values in one typed array (the
 * service's matrices, on a SharedArrayBuffer for the solver's threads). Validation, the model and the checker
 * all read entries through `matrixReader`, so a flat matrix is never turned into rows and means exactly what
 * the rows it encodes would: `size` entries per row, NaN for null (no road).
 */

export interface FlatMatrix {
  /** Entries per row; the matrix has values.length / size rows (size × size when square). */
  size: number;
  /** Row-major; NaN where the nested form has null. */
  values: Float64Array | Float32Array;
}

/** Rows as JSON gives them (null: no road), or flat. */
export type MatrixInput = (number | null)[][] | FlatMatrix;

export interface MatrixReader {
  rows: number;
  /** Row i (flat: a view of its values, not a copy); undefined when row i is not an array. */
  row(i: number): ArrayLike<unknown> | undefined;
  /** Entry j of row i, undefined outside the rows (one read, no row view made for it). */
  entry(i: number, j: number): unknown;
  /** Whether an entry that is not a number ≥ 0 marks a pair with no road: null in rows, NaN in flat values. */
  noRoad(value: unknown): boolean;
}

export function isFlatMatrix(value: unknown): value is FlatMatrix {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { size, values } = value as Partial<FlatMatrix>;
  return Number.isInteger(size) && size! >= 0 && (values instanceof Float64Array || values instanceof Float32Array);
}

/** The reader of rows or a flat matrix; undefined for anything else. Callers loop over a row's entries themselves. */
export function matrixReader(matrix: unknown): MatrixReader | undefined {
  if (Array.isArray(matrix)) {
    const rows = matrix as unknown[];
    return {
      rows: rows.length,
      row: (i) => {
        const row = rows[i];
        return Array.isArray(row) ? (row as unknown[]) : undefined;
      },
      entry: (i, j) => {
        const row = rows[i];
        return Array.isArray(row) ? (row as unknown[])[j] : undefined;
      },
      noRoad: (value) => value === null,
    };
  }
  if (!isFlatMatrix(matrix)) return undefined;
  const { size, values } = matrix;
  return {
    // Values that do not fill the square read as rows of `size` with a ragged last row, as the nested form would.
    rows: size === 0 ? 0 : Math.ceil(values.length / size),
    row: (i) => values.subarray(i * size, (i + 1) * size),
    entry: (i, j) => (Number.isInteger(i) && Number.isInteger(j) && j >= 0 && j < size ? values[i * size + j] : undefined),
    noRoad: (value) => typeof value === 'number' && Number.isNaN(value),
  };
}
