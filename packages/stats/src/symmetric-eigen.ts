import { StatsError } from './errors';

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

function invalid(message: string): StatsError {
  return new StatsError('E_INVALID_ARGUMENT', message);
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
 * @throws {StatsError} `E_INVALID_ARGUMENT` if `matrix` does not hold size * size finite values
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
