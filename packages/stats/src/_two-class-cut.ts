/**
 * The O(n) scan behind every exact two-class split (`jenksBreaks` with `classes: 2`,
 * `jenksTwoClassSplit`).
 *
 * @internal never re-exported from `index.ts`.
 */
import { meanKernel } from './_moments';
import { StatsError } from './errors';

/** Where the best two-class cut of an ascending array lies. */
export interface TwoClassCut {
  /** Number of values in the low class (`sorted[0 .. lowCount - 1]`). */
  lowCount: number;
  /** `sorted[lowCount - 1]`: the largest low-class value; the high class is `x > breakValue`. */
  breakValue: number;
}

/**
 * Finds the cut of an ascending array (with at least two distinct values) into a low and a high
 * class that minimises the total within-class sum of squared deviations.
 *
 * @remarks
 * Minimising the within-class sum of squares `SSW` is the same as maximising the between-class sum
 * of squares `SSB = SST − SSW`, because `SST` does not depend on the cut. With a shift `c`,
 * `S₁ = Σ_low (x − c)`, `T = Σ_all (x − c)` and `n₁ + n₂ = n`,
 * `SSB = (n·S₁ − n₁·T)² / (n·n₁·n₂)`; the identity holds for any `c`, and taking `c` near the mean
 * keeps the prefix sums small (no squares of raw values, so no catastrophic cancellation).
 * The scan visits only cuts between distinct values, so ties are never split and the break is a
 * data value. On an exact tie of scores the first (lowest) break wins. O(n) time, O(1) memory.
 */
export function bestTwoClassCut(sorted: Float64Array): TwoClassCut {
  const n = sorted.length;
  const center = meanKernel(sorted);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i] - center;
  }
  let prefix = 0;
  let bestScore = -1;
  let bestLowCount = 0;
  for (let i = 0; i < n - 1; i++) {
    prefix += sorted[i] - center;
    if (sorted[i + 1] !== sorted[i]) {
      const lowCount = i + 1;
      const highCount = n - lowCount;
      const difference = n * prefix - lowCount * total;
      const score = (difference * difference) / (lowCount * highCount);
      if (score > bestScore) {
        bestScore = score;
        bestLowCount = lowCount;
      }
    }
  }
  if (bestLowCount === 0) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      'bestTwoClassCut: sorted must hold at least 2 distinct values (an internal caller error)',
    );
  }
  return { lowCount: bestLowCount, breakValue: sorted[bestLowCount - 1] };
}
