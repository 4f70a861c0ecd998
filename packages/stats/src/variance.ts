import { varianceKernel } from './_moments';
import { assertDdof, assertFiniteValues, assertOptionsObject } from './_validate';

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions {
  /**
   * Delta degrees of freedom: the divisor is `n − ddof`. `0` gives the population variance
   * (numpy's default), `1` the unbiased sample variance. A finite number in `[0, n)`.
   * @default 0
   */
  ddof?: number;
}

/**
 * Variance `Σ(x − mean)² / (n − ddof)`; population variance by default (`ddof = 0`, as
 * `numpy.var`), sample variance with `ddof: 1`.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @param options - See {@link VarianceOptions}.
 * @returns The variance, never negative; 0 for all-equal input and for a single value with
 *   `ddof: 0`.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, holds a non-number, or
 *   `ddof` is not a number.
 * @throws {StatsError} `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` if `values` is empty or holds NaN or ±Infinity, or `ddof` is outside
 *   `[0, n)` (e.g. `ddof: 1` with a single value).
 *
 * @remarks
 * Corrected two-pass algorithm (Chan, Golub & LeVeque 1983), O(n), stable for data with a large
 * offset.
 *
 * @example
 * ```ts
 * variance([1, 2, 3, 4]); // 1.25
 * variance([1, 2, 3, 4], { ddof: 1 }); // 1.6666666666666667
 * ```
 */
export function variance(values: ArrayLike<number>, options: VarianceOptions = {}): number {
  assertFiniteValues('variance', values);
  assertOptionsObject('variance', options);
  const { ddof = 0 } = options;
  assertDdof('variance', ddof, values.length);
  return varianceKernel(values, ddof);
}
