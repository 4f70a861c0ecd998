import { varianceKernel } from './_moments';
import { assertDdof, assertFiniteValues, assertOptionsObject } from './_validate';
import type { VarianceOptions } from './variance';

/** Options of {@link std}. */
export type StdOptions = VarianceOptions;

/**
 * Standard deviation `√(Σ(x − mean)² / (n − ddof))`: population standard deviation by default
 * (`ddof = 0`, as `numpy.std`), sample standard deviation with `ddof: 1`.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @param options - `{ ddof }`, see {@link VarianceOptions}.
 * @returns The standard deviation; 0 for all-equal input.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, holds a non-number, or
 *   `ddof` is not a number.
 * @throws {StatsError} `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` if `values` is empty or holds NaN or ±Infinity, or `ddof` is outside
 *   `[0, n)`.
 *
 * @remarks O(n); the square root of {@link variance}.
 *
 * @example
 * ```ts
 * std([2, 4, 4, 4, 5, 5, 7, 9]); // 2
 * std([2, 4, 4, 4, 5, 5, 7, 9], { ddof: 1 }); // 2.138089935299395
 * ```
 */
export function std(values: ArrayLike<number>, options: StdOptions = {}): number {
  assertFiniteValues('std', values);
  assertOptionsObject('std', options);
  const { ddof = 0 } = options;
  assertDdof('std', ddof, values.length);
  return Math.sqrt(varianceKernel(values, ddof));
}
