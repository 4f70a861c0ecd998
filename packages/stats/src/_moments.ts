/**
 * Internal moment kernels on already validated input.
 *
 * @internal never re-exported from `index.ts`.
 */

/**
 * Arithmetic mean by the corrected two-pass method: `sum / n`, then the mean of the residuals is
 * added back, which removes most of the rounding error of the first pass.
 */
export function meanKernel(values: ArrayLike<number>): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i];
  }
  const first = sum / n;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    residual += values[i] - first;
  }
  return first + residual / n;
}

/**
 * Sum of squared deviations from `center` with the Chan–Golub–LeVeque correction term
 * `Σ(x − c)² − (Σ(x − c))² / n`, which is exact when `center` is the exact mean and compensates
 * the rounding of a computed mean. Never negative.
 */
export function sumOfSquaredDeviations(values: ArrayLike<number>, center: number): number {
  const n = values.length;
  let squares = 0;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    const deviation = values[i] - center;
    squares += deviation * deviation;
    residual += deviation;
  }
  const result = squares - (residual * residual) / n;
  return Math.max(result, 0);
}

/** Variance of validated values with a validated `ddof`: `SS / (n − ddof)`. */
export function varianceKernel(values: ArrayLike<number>, ddof: number): number {
  return sumOfSquaredDeviations(values, meanKernel(values)) / (values.length - ddof);
}
