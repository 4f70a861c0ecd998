import { describeValue } from './_validate';
import { StatsError } from './errors';

/** Options of {@link histogramBins}. */
export interface HistogramBinsOptions {
  /**
   * Number of equal-width bins, a positive integer.
   * @default 30
   */
  bins?: number;
  /**
   * Range `[low, high]` of the bins, finite with `low <= high`.
   * @default [min, max] of the finite values ([0, 1] when there are none)
   */
  extent?: readonly [number, number];
  /**
   * `'count'`, or `'density'`: count / (n · bin width), where n counts the values inside the
   * extent, so the bars integrate to 1 and histograms of samples of different sizes compare.
   * @default 'density'
   */
  normalize?: 'count' | 'density';
}

/** One bin of {@link histogramBins}: `[start, end)` (the last one closed) and its height. */
export interface HistogramBin {
  start: number;
  end: number;
  /** A count or a density (see {@link HistogramBinsOptions.normalize}). */
  value: number;
}

/**
 * Equal-width histogram of `values` over `extent`: `bins` bins `[low + b·w, low + (b + 1)·w)`
 * with `w = (high − low) / bins`; the last bin includes its right edge `high`.
 *
 * @param values - Numbers (array or typed array); never mutated. NaN, ±Infinity and values
 *   outside the extent are left out.
 * @param options - See {@link HistogramBinsOptions}.
 * @returns `bins` bins in increasing order; consecutive bins share their edge.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, or
 *   `options` is not an object.
 * @throws {StatsError} `E_INVALID_ARGUMENT` if `bins` is not a positive integer, `extent` is not
 *   a finite `[low, high]` with `low <= high`, or `normalize` is neither `'count'` nor
 *   `'density'`.
 *
 * @remarks
 * O(n + bins) time, O(bins) memory. A zero-width range (`low === high`, e.g. all-equal values)
 * is widened to `[low − 0.5, low + 0.5]`. Without values inside the extent every bin is 0. A
 * bin width in the subnormal range (below ~2.2e-308) makes the density overflow to Infinity.
 *
 * @example
 * ```ts
 * histogramBins([0, 1, 1, 2], { bins: 2, normalize: 'count' });
 * // [{ start: 0, end: 1, value: 1 }, { start: 1, end: 2, value: 3 }]
 * ```
 */
export function histogramBins(
  values: ArrayLike<number>,
  options: HistogramBinsOptions = {},
): HistogramBin[] {
  if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    throw new StatsError(
      'E_INVALID_TYPE',
      `histogramBins: values must be an array or a numeric typed array, got ${describeValue(values)}`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new StatsError(
      'E_INVALID_TYPE',
      `histogramBins: options must be an object, got ${describeValue(options)}`,
    );
  }
  const { bins = 30, normalize = 'density' } = options;
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < 1) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `histogramBins: bins must be a positive integer, got ${describeValue(bins)}`,
    );
  }
  if (normalize !== 'count' && normalize !== 'density') {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `histogramBins: normalize must be 'count' or 'density', got ${describeValue(normalize)}`,
    );
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  if (options.extent === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
    if (low > high) {
      low = 0;
      high = 1;
    }
  } else {
    const extent = options.extent;
    if (!Array.isArray(extent) || extent.length !== 2) {
      throw new StatsError(
        'E_INVALID_ARGUMENT',
        `histogramBins: extent must be a finite [low, high] with low <= high, got ${describeValue(extent)}`,
      );
    }
    [low, high] = extent;
  }
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `histogramBins: extent must be a finite [low, high] with low <= high, got [${low}, ${high}]`,
    );
  }
  if (high === low) {
    low -= 0.5;
    high += 0.5;
  }
  const width = (high - low) / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // Also false for NaN.
    if (!(v >= low && v <= high)) continue;
    counts[Math.min(bins - 1, Math.floor((v - low) / width))] += 1;
    total += 1;
  }
  const scale = normalize === 'density' ? (total > 0 ? 1 / (total * width) : 0) : 1;
  const result: HistogramBin[] = new Array(bins);
  for (let b = 0; b < bins; b++) {
    result[b] = {
      start: low + b * width,
      end: b === bins - 1 ? high : low + (b + 1) * width,
      value: counts[b] * scale,
    };
  }
  return result;
}
