import { meanKernel } from './_moments';
import { distinctLevels, sortedCopy } from './_sorted';
import { assertFiniteValues } from './_validate';

/**
 * Bin-free Otsu threshold: among all cuts between consecutive distinct values, the one with the
 * largest between-class variance; returns the largest value of the lower class, so foreground is
 * `values > t` exactly as for {@link otsuThreshold}.
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @returns The threshold `t`, always a data value; for all-equal input, that value (foreground is
 *   then empty, as with scikit-image).
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, or holds a non-number.
 * @throws {StatsError} `E_EMPTY_INPUT` if `values` is empty, `E_NOT_FINITE` if it holds NaN or ±Infinity.
 *
 * @remarks
 * Otsu's (1979) criterion on the histogram of the distinct values `x₁ < … < x_d` with
 * probabilities `pᵢ`: `ω(k) = Σ_{i≤k} pᵢ`, `μ(k) = Σ_{i≤k} pᵢ·xᵢ`, `μ_T = μ(d)` and
 * `σ_B²(k) = (μ_T·ω(k) − μ(k))² / (ω(k)·(1 − ω(k)))`, maximised over `k < d`; the first maximum
 * wins. Values are centred on their mean first, which keeps `μ_T·ω − μ` free of cancellation.
 *
 * Relation to Jenks: the total sum of squares splits as `SST = SSW + SSB`, so the cut maximising
 * the between-class variance `SSB / n` is exactly the cut minimising the within-class sum of squares
 * `SSW` — the two-class Jenks optimum. Hence `otsuThresholdExact(v) === jenksBreaks(v, { classes:
 * 2 })[1]` (the same partition), up to floating-point near-ties between cuts. The binned
 * {@link otsuThreshold} approximates this cut to within one bin width.
 *
 * O(n log n) time (sort), O(n) memory.
 *
 * @example
 * ```ts
 * otsuThresholdExact([1, 2, 3, 10, 11, 12]); // 3
 * ```
 *
 * @see N. Otsu, "A threshold selection method from gray-level histograms", IEEE Trans. SMC 9(1),
 *   62–66, 1979.
 */
export function otsuThresholdExact(values: ArrayLike<number>): number {
  assertFiniteValues('otsuThresholdExact', values);
  const sorted = sortedCopy(values);
  const n = sorted.length;
  if (sorted[0] === sorted[n - 1]) {
    return sorted[0];
  }
  const { levels, counts } = distinctLevels(sorted);
  const d = levels.length;
  const center = meanKernel(sorted);
  let totalMean = 0;
  for (let i = 0; i < d; i++) {
    totalMean += (counts[i] / n) * (levels[i] - center);
  }
  let lowCount = 0;
  let mu = 0;
  let bestScore = -1;
  let bestLevel = 0;
  for (let k = 0; k < d - 1; k++) {
    lowCount += counts[k];
    mu += (counts[k] / n) * (levels[k] - center);
    // ω and 1 − ω from integer counts, so neither loses precision near 0 or 1.
    const omega = lowCount / n;
    const complement = (n - lowCount) / n;
    const numerator = totalMean * omega - mu;
    const score = (numerator * numerator) / (omega * complement);
    if (score > bestScore) {
      bestScore = score;
      bestLevel = k;
    }
  }
  return levels[bestLevel];
}
