import { StatsError } from './errors';
import { createRandom } from './random';
import { type SymmetricEigen, symmetricEigen } from './symmetric-eigen';

/** Options of {@link topEigenvectors}. */
export interface TopEigenvectorsOptions {
  /** Most iterations. @default 200 */
  maxIterations?: number;
  /** Stop when the Ritz values' sum changes by less than this, relative. @default 1e-10 */
  tolerance?: number;
  /** Seed of the random start. @default 0 */
  seed?: number;
}

function invalid(message: string): StatsError {
  return new StatsError('E_INVALID_ARGUMENT', message);
}

/**
 * Orthonormalises the `k` rows of row-major `[k, size]` `q` in place: Gram-Schmidt with a
 * second pass ("twice is enough"), so that rows are orthogonal to rounding even when one
 * nearly falls into the span of the earlier ones.
 */
function orthonormaliseRows(q: Float64Array, k: number, size: number): void {
  const norm = (row: Float64Array) => {
    let sum = 0;
    for (let j = 0; j < size; j++) sum += row[j]! * row[j]!;
    return Math.sqrt(sum);
  };
  let axis = 0;
  for (let r = 0; r < k; r++) {
    const row = q.subarray(r * size, (r + 1) * size);
    const before = norm(row);
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < r; p++) {
        const previous = q.subarray(p * size, (p + 1) * size);
        let dot = 0;
        for (let j = 0; j < size; j++) dot += row[j]! * previous[j]!;
        for (let j = 0; j < size; j++) row[j]! -= dot * previous[j]!;
      }
    }
    const after = norm(row);
    // A row (nearly) in the span of the earlier ones (the matrix's rank is below k): what is
    // left is rounding, not a direction. The next coordinate axis is tried instead (k <= size,
    // so one of the axes is outside their span).
    if ((after <= 1e-10 * before || after === 0) && axis < size) {
      row.fill(0);
      row[axis++] = 1;
      r--;
      continue;
    }
    for (let j = 0; j < size; j++) row[j]! /= after;
  }
}

/**
 * The `k` largest eigenvalues and their unit eigenvectors of a symmetric positive
 * semi-definite matrix (a covariance) by orthogonal (subspace) iteration with a final
 * Rayleigh-Ritz step: `Q <- orth(A Q)` from a seeded random start until the sum of the Ritz
 * values settles, then the `k x k` projection `Q^T A Q` is decomposed by
 * {@link symmetricEigen}. Cost O(size^2 k) per iteration against the O(size^3) per sweep of
 * the full decomposition: for the top 64 axes of a 196-column covariance, ten iterations
 * took about 0.2 s against 0.47 s for {@link symmetricEigen} (one core, under load).
 * Convergence is geometric in
 * `values[k] / values[k - 1]`; the subspace, not each vector, is what converges first, so use
 * it where the span matters (a projection that keeps most of the variance).
 *
 * @example
 * ```ts
 * const { values, vectors } = topEigenvectors(covariance, 196, 40);
 * // values: 40 largest, descending; vectors: row-major [40, 196]
 * ```
 * @param matrix - row-major `[size, size]`, symmetric, not modified
 * @param k - how many, clamped to `size`
 * @throws {StatsError} `E_INVALID_ARGUMENT` for sizes that do not match or a non-finite entry
 * @see G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., 2013, §8.3.4 (orthogonal
 * iteration) and §8.2.2 (Rayleigh-Ritz)
 */
export function topEigenvectors(
  matrix: ArrayLike<number>,
  size: number,
  k: number,
  options: TopEigenvectorsOptions = {},
): SymmetricEigen {
  const { maxIterations = 200, tolerance = 1e-10, seed = 0 } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw invalid(`topEigenvectors: size must be a positive integer, got ${size}`);
  }
  if (matrix.length !== size * size) {
    throw invalid(
      `topEigenvectors: matrix must hold size * size = ${size * size} values, got ${matrix.length}`,
    );
  }
  if (!Number.isInteger(k) || k < 1) {
    throw invalid(`topEigenvectors: k must be a positive integer, got ${k}`);
  }
  const a = Float64Array.from(matrix);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw invalid(
        `topEigenvectors: matrix must be finite, got ${a[i]} at [${Math.floor(i / size)}, ${i % size}]`,
      );
    }
  }
  const rank = Math.min(k, size);
  const random = createRandom(seed);
  let q: Float64Array = Float64Array.from({ length: rank * size }, () => random.next() - 0.5);
  orthonormaliseRows(q, rank, size);
  // z = Q A (rows of Q times the symmetric A); the Ritz values' sum is trace(Q A Q^T).
  const multiply = (rows: Float64Array): Float64Array => {
    const z = new Float64Array(rank * size);
    for (let r = 0; r < rank; r++) {
      const out = z.subarray(r * size, (r + 1) * size);
      for (let i = 0; i < size; i++) {
        const x = rows[r * size + i]!;
        if (x === 0) continue;
        const column = a.subarray(i * size, (i + 1) * size);
        for (let j = 0; j < size; j++) out[j]! += x * column[j]!;
      }
    }
    return z;
  };
  let previous = Number.NaN;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const z = multiply(q);
    let trace = 0;
    for (let t = 0; t < z.length; t++) trace += z[t]! * q[t]!;
    orthonormaliseRows(z, rank, size);
    q = z;
    if (Math.abs(trace - previous) <= tolerance * Math.abs(trace)) break;
    previous = trace;
  }
  // Rayleigh-Ritz: the k x k matrix Q A Q^T, decomposed, rotates Q onto the eigenvectors.
  const z = multiply(q);
  const small = new Float64Array(rank * rank);
  for (let r = 0; r < rank; r++) {
    for (let c = 0; c < rank; c++) {
      let dot = 0;
      for (let j = 0; j < size; j++) dot += z[r * size + j]! * q[c * size + j]!;
      small[r * rank + c] = dot;
    }
  }
  const ritz = symmetricEigen(small, rank);
  const vectors = new Float64Array(rank * size);
  for (let e = 0; e < rank; e++) {
    const out = vectors.subarray(e * size, (e + 1) * size);
    for (let r = 0; r < rank; r++) {
      const weight = ritz.vectors[e * rank + r]!;
      for (let j = 0; j < size; j++) out[j]! += weight * q[r * size + j]!;
    }
    // The same deterministic sign as symmetricEigen: the largest entry positive.
    let largest = 0;
    for (let j = 0; j < size; j++) if (Math.abs(out[j]!) > Math.abs(largest)) largest = out[j]!;
    if (largest < 0) for (let j = 0; j < size; j++) out[j] = -out[j]!;
  }
  return { values: ritz.values, vectors };
}
