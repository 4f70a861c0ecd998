import { meanKernel, varianceKernel } from './_moments';
import {
  assertDdof,
  assertFiniteNumber,
  assertFiniteValues,
  assertOptionsObject,
  describeValue,
} from './_validate';
import { StatsError } from './errors';

/** Options of {@link zScores}. */
export interface ZScoresOptions {
  /**
   * Centre to subtract; a finite number. Pass the training-set mean to standardise other data the
   * same way.
   * @default mean(values)
   */
  mean?: number;
  /**
   * Scale to divide by; a finite number greater than 0.
   * @default std(values, { ddof })
   */
  std?: number;
  /**
   * Delta degrees of freedom of the computed standard deviation (ignored when `std` is given):
   * `0` = population (numpy / `scipy.stats.zscore` default), `1` = sample.
   * @default 0
   */
  ddof?: number;
  /**
   * Where to write the result: a `Float64Array` of the same length as `values`. It may be
   * `values` itself (in-place). A new array is allocated when omitted.
   */
  out?: Float64Array;
}

/**
 * Standard scores `(x − mean) / std` of every value, in input order.
 *
 * @param values - Finite numbers (array or typed array); not mutated unless passed as `out`.
 * @param options - See {@link ZScoresOptions}.
 * @returns `out` (or a new `Float64Array`) holding the z-scores.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array or holds a non-number; if
 *   `mean`, `std` or `ddof` is not a number; if `out` is not a `Float64Array`.
 * @throws {StatsError} `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` if `values` is empty or holds NaN or ±Infinity; if `mean` is not finite,
 *   `std` is not a finite number > 0, `ddof` is outside `[0, n)`, or `out.length !== n`.
 *
 * @remarks
 * Zero spread: when `std` is not given and the computed standard deviation is 0 (all values
 * equal), every z-score is defined as 0 (scipy returns NaN). An explicit `std: 0` is rejected,
 * because it would produce ±Infinity. The default `mean` and `std` are population statistics of
 * `values` (`ddof = 0`). O(n) time; no allocation when `out` is given.
 *
 * @example
 * ```ts
 * zScores([2, 4, 4, 4, 5, 5, 7, 9]); // Float64Array [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]
 * zScores([1, 2, 3], { mean: 0, std: 2 }); // Float64Array [0.5, 1, 1.5]
 * ```
 */
export function zScores(values: ArrayLike<number>, options: ZScoresOptions = {}): Float64Array {
  assertFiniteValues('zScores', values);
  assertOptionsObject('zScores', options);
  const n = values.length;
  const { mean: givenMean, std: givenStd, ddof = 0, out } = options;
  if (givenMean !== undefined) {
    assertFiniteNumber('zScores', 'mean', givenMean);
  }
  if (givenStd !== undefined) {
    assertFiniteNumber('zScores', 'std', givenStd, 0);
  } else {
    assertDdof('zScores', ddof, n);
  }
  if (out !== undefined) {
    if (!(out instanceof Float64Array)) {
      throw new StatsError(
        'E_INVALID_TYPE',
        `zScores: out must be a Float64Array, got ${describeValue(out)}`,
      );
    }
    if (out.length !== n) {
      throw new StatsError(
        'E_INVALID_ARGUMENT',
        `zScores: out must have the same length as values (${n}), got length ${out.length}`,
      );
    }
  }
  const center = givenMean ?? meanKernel(values);
  const scale = givenStd ?? Math.sqrt(varianceKernel(values, ddof));
  const result = out ?? new Float64Array(n);
  if (scale === 0) {
    result.fill(0);
    return result;
  }
  for (let i = 0; i < n; i++) {
    result[i] = (values[i] - center) / scale;
  }
  return result;
}
