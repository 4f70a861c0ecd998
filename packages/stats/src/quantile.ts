import { sortedCopy } from './_sorted';
import { assertFiniteValues, describeValue } from './_validate';
import { StatsError } from './errors';

function assertProbability(q: unknown, label: string): asserts q is number {
  const rule = 'must be a number in [0, 1]';
  if (typeof q !== 'number') {
    throw new StatsError('E_INVALID_TYPE', `quantile: ${label} ${rule}, got ${describeValue(q)}`);
  }
  if (!(q >= 0 && q <= 1)) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `quantile: ${label} ${rule}, got ${describeValue(q)}`,
    );
  }
}

/** numpy's `method='linear'` on an ascending array: virtual index `(n − 1)·q`, then `_lerp`. */
function linearQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  if (lower >= n - 1) {
    return sorted[n - 1];
  }
  const gamma = position - lower;
  const a = sorted[lower];
  const b = sorted[lower + 1];
  const difference = b - a;
  // numpy's _lerp interpolates from the nearer end, so q = 1 − ε stays monotone and exact at b.
  return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma;
}

/**
 * The `q`-quantile(s) of `values` with linear interpolation between order statistics — numpy's
 * default `numpy.quantile(values, q, method='linear')` (Hyndman & Fan type 7, also R's default).
 *
 * With `x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎` the sorted values, `h = (n − 1)·q`, `j = ⌊h⌋`, `γ = h − j`:
 * `Q(q) = x₍ⱼ₎ + γ·(x₍ⱼ₊₁₎ − x₍ⱼ₎)` (evaluated from `x₍ⱼ₊₁₎` when `γ ≥ 0.5`, as numpy does), and
 * `Q(1) = max`. So `Q(0)` is the minimum and `Q(0.5)` the median.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @param q - A probability in `[0, 1]`, or an array of them.
 * @returns One number for a scalar `q`; an array (same order as `q`) for an array `q`.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` or `q` is not an array / number, or holds a non-number.
 * @throws {StatsError} `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` if `values` is empty or holds NaN or ±Infinity, or a `q` is outside
 *   `[0, 1]`.
 *
 * @remarks O(n log n) for the sort (done once for all `q`), then O(1) per probability.
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * quantile([1, 2, 3, 4], [0, 0.25, 1]); // [1, 1.75, 4]
 * ```
 *
 * @see R. J. Hyndman and Y. Fan, "Sample quantiles in statistical packages", The American
 *   Statistician 50(4), 361–365, 1996.
 */
export function quantile(values: ArrayLike<number>, q: number): number;
export function quantile(values: ArrayLike<number>, q: ArrayLike<number>): number[];
export function quantile(
  values: ArrayLike<number>,
  q: number | ArrayLike<number>,
): number | number[] {
  assertFiniteValues('quantile', values);
  if (typeof q === 'number') {
    assertProbability(q, 'q');
    return linearQuantile(sortedCopy(values), q);
  }
  if (!Array.isArray(q) && !(ArrayBuffer.isView(q) && !(q instanceof DataView))) {
    throw new StatsError(
      'E_INVALID_TYPE',
      `quantile: q must be a number in [0, 1] or an array of them, got ${describeValue(q)}`,
    );
  }
  const probabilities = q as ArrayLike<unknown>;
  for (let i = 0; i < probabilities.length; i++) {
    assertProbability(probabilities[i], `q[${i}]`);
  }
  const sorted = sortedCopy(values);
  const result = new Array<number>(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) {
    result[i] = linearQuantile(sorted, probabilities[i] as number);
  }
  return result;
}
