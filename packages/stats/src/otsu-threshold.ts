import { assertFiniteValues, assertIntegerInRange, assertOptionsObject } from './_validate';

/** Options of {@link otsuThreshold}. */
export interface OtsuThresholdOptions {
  /**
   * Number of equal-width histogram bins spanning `[min, max]` (scikit-image's `nbins`).
   * An integer in `[2, 16777216]`.
   * @default 256
   */
  bins?: number;
}

/** Largest accepted `bins` (2^24), a guard against accidental huge allocations. */
const MAX_BINS = 16_777_216;

/**
 * Otsu's threshold of a histogram of `values`: the bin centre that maximises the between-class
 * variance. Foreground (the high class) is `values > t`.
 *
 * Same definition and the same floating-point steps as scikit-image's
 * `skimage.filters.threshold_otsu(image, nbins=bins)` on a float64 image:
 * 1. If every value equals the first one, that value is returned.
 * 2. Histogram as `numpy.histogram(values, bins)`: edges `min + i·(max − min)/bins` (the last edge
 *    is `max`), bins half-open `[eᵢ, eᵢ₊₁)` except the last, which is closed; centres are
 *    `(eᵢ + eᵢ₊₁) / 2`.
 * 3. For each cut after bin `i < bins − 1`: `w₁·w₂·(μ₁ − μ₂)²` from cumulative counts and
 *    count-weighted centre sums; the first maximum wins and its bin centre is returned.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @param options - See {@link OtsuThresholdOptions}.
 * @returns The threshold `t` (a bin centre, generally not a data value), or the common value for
 *   all-equal input (then `values > t` is empty).
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, holds a non-number, or
 *   `bins` is not a number.
 * @throws {StatsError} `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` if `values` is empty or holds NaN or ±Infinity, or `bins` is not an integer
 *   in `[2, 16777216]`.
 *
 * @remarks
 * O(n + bins) time, O(bins) memory. Differences from scikit-image, all outside NONE's use:
 * typed arrays are read as float64 numbers (scikit-image computes a float32 image's edges in
 * float32, and gives integer-dtype images one bin per integer, ignoring `nbins`); NaN is rejected
 * instead of propagated. Since scikit-image 0.20 the class weights are float32, which we copy
 * (`Math.fround` on `w₁·w₂`); it only matters when two cuts score within ~1e-7 of each other.
 * For the bin-free optimum use {@link otsuThresholdExact}.
 *
 * @example
 * ```ts
 * otsuThreshold(new Float32Array([0.1, 0.2, 0.9, 1.0])); // a value in [0.2, 0.9)
 * otsuThreshold([1, 2, 3, 10, 11, 12], { bins: 4 }); // 2.375
 * ```
 *
 * @see N. Otsu, "A threshold selection method from gray-level histograms", IEEE Trans. SMC 9(1),
 *   62–66, 1979.
 * @see scikit-image `skimage/filters/thresholding.py`, `threshold_otsu`.
 */
export function otsuThreshold(
  values: ArrayLike<number>,
  options: OtsuThresholdOptions = {},
): number {
  assertFiniteValues('otsuThreshold', values);
  assertOptionsObject('otsuThreshold', options);
  const { bins = 256 } = options;
  assertIntegerInRange('otsuThreshold', 'bins', bins, 2, MAX_BINS);

  const n = values.length;
  const first = values[0];
  let min = first;
  let max = first;
  let allEqual = true;
  for (let i = 1; i < n; i++) {
    const x = values[i];
    if (x !== first) {
      allEqual = false;
    }
    if (x < min) {
      min = x;
    } else if (x > max) {
      max = x;
    }
  }
  if (allEqual) {
    return first;
  }

  // numpy.linspace(min, max, bins + 1): start + i * step, last edge set to stop.
  const edges = new Float64Array(bins + 1);
  const span = max - min;
  const step = span / bins;
  for (let i = 0; i < bins; i++) {
    edges[i] = step === 0 ? (i / bins) * span + min : i * step + min;
  }
  edges[bins] = max;

  // numpy.histogram's uniform-bin fast path, including its one-ULP corrections.
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    let index = Math.trunc(((x - min) / span) * bins);
    if (index === bins) {
      index--;
    }
    if (x < edges[index]) {
      index--;
    }
    if (x >= edges[index + 1] && index !== bins - 1) {
      index++;
    }
    counts[index]++;
  }

  const centers = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    centers[i] = (edges[i] + edges[i + 1]) / 2;
  }

  // weight1 / mean1: cumulative from the left; weight2 / mean2: cumulative from the right.
  const weightLow = new Float64Array(bins);
  const meanLow = new Float64Array(bins);
  let weight = 0;
  let moment = 0;
  for (let i = 0; i < bins; i++) {
    weight = Math.fround(weight + counts[i]);
    moment += counts[i] * centers[i];
    weightLow[i] = weight;
    meanLow[i] = moment / weight;
  }
  const weightHigh = new Float64Array(bins);
  const meanHigh = new Float64Array(bins);
  weight = 0;
  moment = 0;
  for (let i = bins - 1; i >= 0; i--) {
    weight = Math.fround(weight + counts[i]);
    moment += counts[i] * centers[i];
    weightHigh[i] = weight;
    meanHigh[i] = moment / weight;
  }

  let bestIndex = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < bins - 1; i++) {
    const difference = meanLow[i] - meanHigh[i + 1];
    const score = Math.fround(weightLow[i] * weightHigh[i + 1]) * (difference * difference);
    if (score > bestScore) {
      bestScore = score;
      bestIndex = i;
    }
  }
  return centers[bestIndex];
}
