import { fisherJenksBreaks } from './_fisher-jenks';
import { countDistinct, distinctLevels, sortedCopy } from './_sorted';
import { bestTwoClassCut } from './_two-class-cut';
import { assertFiniteValues, assertIntegerInRange, describeValue } from './_validate';
import { StatsError } from './errors';

/** Options of {@link jenksBreaks}. */
export interface JenksBreaksOptions {
  /**
   * Number of classes `k`: an integer from 2 up to the number of distinct values. Required.
   * `2` takes the O(n log n) path used once per training round by NONE.
   */
  classes: number;
}

/**
 * Exact Jenks natural breaks: the partition of `values` into `classes` intervals with the least
 * total within-class sum of squared deviations (Fisher's exact optimisation).
 *
 * @param values - Finite numbers (array or typed array); never mutated.
 * @param options - `{ classes }`, see {@link JenksBreaksOptions}.
 * @returns `classes + 1` breaks in jenkspy's convention: `[min, upper bound of class 1, …,
 *   upper bound of class k = max]`. Every break is a data value. A value `x` belongs to the first
 *   class `i` (0-based) with `x <= breaks[i + 1]`, so values equal to a break fall in the lower
 *   class, and ties are never split between classes.
 * @throws {StatsError} `E_INVALID_TYPE` if `values` is not an array or numeric typed array, holds a non-number,
 *   or `options.classes` is not a number.
 * @throws {StatsError} `E_EMPTY_INPUT`, `E_NOT_FINITE` or `E_INVALID_ARGUMENT` if `values` is empty or holds NaN or ±Infinity; if `classes` is not an
 *   integer in `[2, d]` where `d` is the number of distinct values. All-equal input (`d = 1`)
 *   therefore always throws: it cannot be split into two non-empty classes.
 *
 * @remarks
 * Complexity, with `n` values, `d` distinct values and `k` classes:
 * - `classes: 2`: O(n log n) time (one sort; then an O(n) scan of every cut between distinct values
 *   over centred prefix sums), O(n) memory. 10^6 values take about 0.1 s.
 * - `classes >= 3`: the Fisher/Jenks dynamic program over the `d` distinct values (weighted by
 *   multiplicity): O(n log n + k·d²) time, O(n + k·d) memory. Practical up to roughly 10^4
 *   distinct values (k = 5: about 0.15 s for d = 5·10^3 and 0.6–0.7 s for d = 10^4 on one core;
 *   time grows as d²); beyond that, round or sample the data first. Many repeated values are
 *   cheap: 10^6 values rounded to 0.01 (d ≈ 1.7·10^3) take about 0.1 s for k = 5.
 *
 * Exactness: the optimum is exact up to floating-point rounding of the sums of squares; when two
 * partitions have (nearly) equal cost either may be returned, and on an exact tie the lower break
 * wins. The result is invariant to the order of `values` and, up to such near-ties, equivariant
 * under positive affine maps `x ↦ a·x + b` (breaks map to `a·break + b`).
 *
 * Compared with jenkspy (which NONE's authors used), the convention is the same, but jenkspy is
 * O(k·n²) on all n values. `simple-statistics`' `jenks` solves the same optimisation but returns
 * the lower bound of each class instead (`[min, first value of class 2, …, max]`).
 *
 * @example
 * ```ts
 * jenksBreaks([1, 2, 3, 10, 11, 12], { classes: 2 }); // [1, 3, 12]
 * jenksBreaks([1, 2, 4, 5, 7, 9, 10, 20], { classes: 3 }); // [1, 5, 10, 20]
 * ```
 *
 * @see G. F. Jenks, "Optimal data classification for choropleth maps", Occasional paper 2,
 *   Univ. of Kansas, 1977.
 * @see W. D. Fisher, "On grouping for maximum homogeneity", JASA 53(284):789–798, 1958.
 */
export function jenksBreaks(values: ArrayLike<number>, options: JenksBreaksOptions): number[] {
  assertFiniteValues('jenksBreaks', values);
  if (options === null || typeof options !== 'object') {
    throw new StatsError(
      'E_INVALID_TYPE',
      `jenksBreaks: options must be an object with an integer classes >= 2, got ${describeValue(options)}`,
    );
  }
  const { classes } = options;
  const sorted = sortedCopy(values);
  const distinct = countDistinct(sorted);
  if (distinct < 2) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `jenksBreaks: values must contain at least 2 distinct values to form classes, got ${sorted.length} value(s) all equal to ${describeValue(sorted[0])}`,
    );
  }
  assertIntegerInRange(
    'jenksBreaks',
    'classes',
    classes,
    2,
    distinct,
    '(the number of distinct values)',
  );
  if (classes === 2) {
    const cut = bestTwoClassCut(sorted);
    return [sorted[0], cut.breakValue, sorted[sorted.length - 1]];
  }
  const { levels, counts } = distinctLevels(sorted);
  return fisherJenksBreaks(levels, counts, classes);
}
