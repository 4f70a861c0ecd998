import { meanKernel } from './_moments';
import { assertFiniteValues } from './_validate';

/**
 * Arithmetic mean `Σx / n`.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @returns The mean.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, or holds a non-number.
 * @throws {StatsError} `E_EMPTY_INPUT` if `values` is empty, `E_NOT_FINITE` if it holds NaN or ±Infinity.
 *
 * @remarks
 * Corrected two-pass summation (the residual mean is added back), O(n). Results agree with
 * `numpy.mean` to within a few ulps (numpy sums pairwise, so the last bit may differ).
 *
 * @example
 * ```ts
 * mean([1, 2, 3, 4]); // 2.5
 * ```
 */
export function mean(values: ArrayLike<number>): number {
  assertFiniteValues('mean', values);
  return meanKernel(values);
}
