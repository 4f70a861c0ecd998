import { BaselineError } from './errors';

/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /**
   * Row-major `[size, size]`: row i is the unit eigenvector of `values[i]`, signed so that its
   * entry of largest magnitude is positive (a deterministic sign).
   */
  vectors: Float64Array;
}

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

function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

/**
 * Eigen decomposition of a symmetric matrix by the cyclic Jacobi method: plane rotations
 * zero the off-diagonal entries one by one, sweep after sweep, until their sum of squares is
 * negligible (quadratic convergence; O(size^3) per sweep). Only the upper triangle is read.
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
 * // values = [3, 1]; vectors = [0.707, 0.707, 0.707, -0.707]
 * ```
 * @param matrix - row-major `[size, size]`, not modified
 * @throws BaselineError `E_INVALID_ARGUMENT` if `matrix` does not hold size * size finite values
 * @see G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., 2013, §8.5.2-8.5.3
 * (the cyclic Jacobi algorithm)
 */
export function symmetricEigen(matrix: ArrayLike<number>, size: number): SymmetricEigen {
  if (!Number.isInteger(size) || size < 1) {
    throw invalid(`symmetricEigen: size must be a positive integer, got ${size}`);
  }
  if (matrix.length !== size * size) {
    throw invalid(
      `symmetricEigen: matrix must hold size * size = ${size * size} values, got ${matrix.length}`,
    );
  }
  const a = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = i; j < size; j++) {
      const value = matrix[i * size + j]!;
      if (!Number.isFinite(value)) {
        throw invalid(`symmetricEigen: matrix must be finite, got ${value} at [${i}, ${j}]`);
      }
      a[i * size + j] = value;
      a[j * size + i] = value;
    }
  }
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) off += a[p * size + q]! ** 2;
    }
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (apq === 0) continue;
        // Golub & Van Loan's symSchur2: t = tan(theta) of the rotation that zeroes a_pq.
        const tau = (a[q * size + q]! - a[p * size + p]!) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // A <- A J (columns p, q), then A <- J^T A (rows p, q), then V <- V J.
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (i, j) => a[j * size + j]! - a[i * size + i]! || i - j,
  );
  const values = new Float64Array(size);
  const vectors = new Float64Array(size * size);
  order.forEach((column, row) => {
    values[row] = a[column * size + column]!;
    let largest = 0;
    for (let k = 0; k < size; k++) {
      const entry = v[k * size + column]!;
      if (Math.abs(entry) > Math.abs(largest)) largest = entry;
    }
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < size; k++) vectors[row * size + k] = sign * v[k * size + column]!;
  });
  return { values, vectors };
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
 * @throws BaselineError `E_INVALID_ARGUMENT` for sizes that do not match the data or a
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
 * @throws BaselineError `E_INVALID_ARGUMENT` if `values` does not hold rows * pca.columns numbers
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
