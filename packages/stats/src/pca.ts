import { StatsError } from './errors';
import { symmetricEigen } from './symmetric-eigen';

/** A fitted PCA: the mean and the top principal axes of some data. */
export interface PrincipalComponents {
  /** Columns of the data. */
  columns: number;
  /** Column means, length `columns`. */
  mean: Float64Array;
  /** Row-major `[k, columns]`: the unit principal axes, by decreasing variance. */
  components: Float64Array;
  /** Variance along each axis (eigenvalues of the sample covariance, divisor n - 1), length k. */
  variances: Float64Array;
}

function invalid(message: string): StatsError {
  return new StatsError('E_INVALID_ARGUMENT', message);
}

/**
 * Principal component analysis of row-major `[rows, columns]` data: the eigenvectors of the
 * sample covariance matrix (divisor rows - 1) with the `components` largest eigenvalues,
 * found by {@link symmetricEigen}. Cost O(rows columns^2 + columns^3).
 *
 * @example
 * ```ts
 * const data = Float64Array.from([3, 3, -3, -3, 1, -1, -1, 1]);
 * const pca = principalComponents(data, 4, 2, 1);
 * // pca.components = [0.707, 0.707]; pca.variances = [12]
 * const projected = projectOntoComponents(data, 4, pca); // [4.24, -4.24, 0, 0]
 * ```
 * @param components - axes to keep, clamped to `columns`
 * @throws {StatsError} `E_INVALID_ARGUMENT` for sizes that do not match the data or a
 * `components` that is not a positive integer
 * @see K. Pearson, "On lines and planes of closest fit to systems of points in space",
 * Philosophical Magazine 2(11), 1901; I. T. Jolliffe, "Principal Component Analysis", 2002
 */
export function principalComponents(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  components: number,
): PrincipalComponents {
  const caller = 'principalComponents';
  if (!Number.isInteger(rows) || rows < 1) {
    throw invalid(`${caller}: rows must be a positive integer, got ${rows}`);
  }
  if (!Number.isInteger(columns) || columns < 1) {
    throw invalid(`${caller}: columns must be a positive integer, got ${columns}`);
  }
  if (values.length !== rows * columns) {
    throw invalid(
      `${caller}: values must hold rows * columns = ${rows * columns} numbers, got ${values.length}`,
    );
  }
  if (!Number.isInteger(components) || components < 1) {
    throw invalid(`${caller}: components must be a positive integer, got ${components}`);
  }
  const k = Math.min(components, columns);
  const mean = new Float64Array(columns);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) mean[j]! += values[i * columns + j]!;
  }
  for (let j = 0; j < columns; j++) mean[j]! /= rows;
  const covariance = new Float64Array(columns * columns);
  const centred = new Float64Array(columns);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) centred[j] = values[i * columns + j]! - mean[j]!;
    for (let p = 0; p < columns; p++) {
      const x = centred[p]!;
      if (x === 0) continue;
      for (let q = p; q < columns; q++) covariance[p * columns + q]! += x * centred[q]!;
    }
  }
  const divisor = Math.max(1, rows - 1);
  for (let p = 0; p < columns; p++) {
    for (let q = p; q < columns; q++) covariance[p * columns + q]! /= divisor;
  }
  const eigen = symmetricEigen(covariance, columns);
  return {
    columns,
    mean,
    components: eigen.vectors.slice(0, k * columns),
    variances: eigen.values.slice(0, k).map((value) => Math.max(0, value)),
  };
}

/**
 * Coordinates of row-major `[rows, columns]` data on the axes of a fitted PCA:
 * `(x - mean) . component`, row-major `[rows, k]`.
 *
 * @example
 * ```ts
 * const pca = principalComponents(data, rows, columns, 10);
 * const reduced = projectOntoComponents(data, rows, pca); // [rows, 10]
 * ```
 * @throws {StatsError} `E_INVALID_ARGUMENT` if `values` does not hold rows * pca.columns numbers
 */
export function projectOntoComponents(
  values: ArrayLike<number>,
  rows: number,
  pca: PrincipalComponents,
): Float64Array {
  const { columns, mean, components } = pca;
  if (!Number.isInteger(rows) || rows < 0 || values.length !== rows * columns) {
    throw invalid(
      `projectOntoComponents: values must hold rows * columns = ${rows} * ${columns} numbers, got ${values.length}`,
    );
  }
  const k = components.length / columns;
  const output = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let j = 0; j < columns; j++) {
        sum += (values[i * columns + j]! - mean[j]!) * components[c * columns + j]!;
      }
      output[i * k + c] = sum;
    }
  }
  return output;
}
