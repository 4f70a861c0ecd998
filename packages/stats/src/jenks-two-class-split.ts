import { meanKernel, sumOfSquaredDeviations } from './_moments';
import { sortedCopy } from './_sorted';
import { bestTwoClassCut } from './_two-class-cut';
import { assertFiniteValues } from './_validate';

/**
 * The exact two-class Jenks split of a sample, with the statistics NONE's Algorithm 2 needs.
 * All variances are population variances (divided by the number of values involved).
 */
export interface JenksTwoClassSplitResult {
  /**
   * The break `b`: the largest value of the low class, a data value. Equals
   * `jenksBreaks(values, { classes: 2 })[1]` and `otsuThresholdExact(values)`.
   */
  breakValue: number;
  /** `1` where `values[i] > breakValue` (high class), `0` otherwise; input order, length `n`. */
  highMask: Uint8Array;
  /** Ascending input indices of the low class (`values[i] <= breakValue`). */
  lowIndices: Uint32Array;
  /** Ascending input indices of the high class (`values[i] > breakValue`). */
  highIndices: Uint32Array;
  /** Size of the low class. */
  lowCount: number;
  /** Size of the high class (0 only for all-equal input). */
  highCount: number;
  /** Mean of the low class. */
  lowMean: number;
  /** Mean of the high class; `NaN` when the high class is empty (all-equal input). */
  highMean: number;
  /** Population variance of the low class. */
  lowVariance: number;
  /** Population variance of the high class; `NaN` when the high class is empty. */
  highVariance: number;
  /**
   * Pooled within-class variance `SSW / n`, where `SSW` is the sum over both classes of squared
   * deviations from the class mean (the quantity Jenks minimises).
   */
  withinClassVariance: number;
  /**
   * Between-class variance `SSB / n = (n_low·n_high / n²)·(lowMean − highMean)²` (the quantity
   * Otsu maximises).
   */
  betweenClassVariance: number;
  /** Population variance of all values, `SST / n` (= within + between, up to rounding). */
  totalVariance: number;
  /**
   * Goodness of variance fit `GVF = 1 − SSW / SST` in `[0, 1]`: 1 means two perfectly tight
   * clusters. NONE compares it with 0.95. Defined as 0 for all-equal input (nothing explained).
   */
  goodnessOfVarianceFit: number;
}

/**
 * Splits `values` into a low and a high class by the exact two-class Jenks break (least total
 * within-class sum of squared deviations) and returns the break, the membership in input order
 * and the class statistics.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @returns See {@link JenksTwoClassSplitResult}. Membership rule: `x <= breakValue` is low,
 *   `x > breakValue` is high, so every value equal to the break is low.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, or holds a non-number.
 * @throws {StatsError} `E_EMPTY_INPUT` if `values` is empty, `E_NOT_FINITE` if it holds NaN or ±Infinity.
 *
 * @remarks
 * O(n log n) time (one sort, then an O(n) scan and two O(n) passes), O(n) memory. 10^6 values take
 * about 0.15 s. This is the separation step of NONE (Algorithm 2, §8.4 of the paper), with the
 * standard Jenks/Otsu criterion: minimising `SSW` is equivalent to maximising `SSB` because
 * `SSW + SSB = SST` is fixed.
 *
 * All-equal input is not an error here (unlike {@link jenksBreaks}, which needs two distinct
 * values): every value is low, `breakValue` is that value, the high class is empty (`highMean`
 * and `highVariance` are `NaN`), all variances are 0 and `goodnessOfVarianceFit` is 0. This matches
 * scikit-image's `threshold_otsu`, which returns the single value, so `values > t` is empty.
 *
 * @example
 * ```ts
 * const split = jenksTwoClassSplit([10, 1, 11, 2, 12, 3]);
 * split.breakValue; // 3
 * split.highMask; // Uint8Array [1, 0, 1, 0, 1, 0]
 * split.goodnessOfVarianceFit; // 0.9681274900398407
 * ```
 *
 * @see G. F. Jenks, "Optimal data classification for choropleth maps", 1977.
 * @see N. Otsu, "A threshold selection method from gray-level histograms", IEEE Trans. SMC 9(1),
 *   62–66, 1979.
 */
export function jenksTwoClassSplit(values: ArrayLike<number>): JenksTwoClassSplitResult {
  assertFiniteValues('jenksTwoClassSplit', values);
  const n = values.length;
  const sorted = sortedCopy(values);
  const allEqual = sorted[0] === sorted[n - 1];
  const breakValue = allEqual ? sorted[0] : bestTwoClassCut(sorted).breakValue;

  const highMask = new Uint8Array(n);
  let lowCount = 0;
  let lowSum = 0;
  let highSum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x > breakValue) {
      highMask[i] = 1;
      highSum += x;
    } else {
      lowCount++;
      lowSum += x;
    }
  }
  const highCount = n - lowCount;
  const lowIndices = new Uint32Array(lowCount);
  const highIndices = new Uint32Array(highCount);
  const lowFirstMean = lowSum / lowCount;
  const highFirstMean = highCount > 0 ? highSum / highCount : 0;
  let lowResidual = 0;
  let lowSquares = 0;
  let highResidual = 0;
  let highSquares = 0;
  let lowCursor = 0;
  let highCursor = 0;
  for (let i = 0; i < n; i++) {
    if (highMask[i] === 1) {
      const deviation = values[i] - highFirstMean;
      highResidual += deviation;
      highSquares += deviation * deviation;
      highIndices[highCursor++] = i;
    } else {
      const deviation = values[i] - lowFirstMean;
      lowResidual += deviation;
      lowSquares += deviation * deviation;
      lowIndices[lowCursor++] = i;
    }
  }
  const lowMean = lowFirstMean + lowResidual / lowCount;
  const lowSumOfSquares = Math.max(0, lowSquares - (lowResidual * lowResidual) / lowCount);
  const highMean = highCount > 0 ? highFirstMean + highResidual / highCount : Number.NaN;
  const highSumOfSquares =
    highCount > 0 ? Math.max(0, highSquares - (highResidual * highResidual) / highCount) : 0;

  const totalMean = meanKernel(values);
  const totalSumOfSquares = allEqual ? 0 : sumOfSquaredDeviations(values, totalMean);
  const withinSumOfSquares = lowSumOfSquares + highSumOfSquares;
  const lowOffset = lowMean - totalMean;
  const highOffset = highCount > 0 ? highMean - totalMean : 0;
  const betweenSumOfSquares =
    lowCount * lowOffset * lowOffset + highCount * highOffset * highOffset;
  const goodnessOfVarianceFit =
    totalSumOfSquares > 0
      ? Math.min(1, Math.max(0, 1 - withinSumOfSquares / totalSumOfSquares))
      : 0;

  return {
    breakValue,
    highMask,
    lowIndices,
    highIndices,
    lowCount,
    highCount,
    lowMean,
    highMean,
    lowVariance: lowSumOfSquares / lowCount,
    highVariance: highCount > 0 ? highSumOfSquares / highCount : Number.NaN,
    withinClassVariance: withinSumOfSquares / n,
    betweenClassVariance: allEqual ? 0 : betweenSumOfSquares / n,
    totalVariance: totalSumOfSquares / n,
    goodnessOfVarianceFit,
  };
}
