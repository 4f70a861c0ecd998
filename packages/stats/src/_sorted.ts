/**
 * Internal helpers on sorted copies of the input.
 *
 * @internal never re-exported from `index.ts`.
 */

/**
 * Copies `values` into a new ascending `Float64Array`; the input is never touched. `-0` becomes
 * `+0`, so the two zeros form one level and no result ever carries a negative zero.
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sorted[i] = values[i] + 0;
  }
  sorted.sort();
  return sorted;
}

/** Number of distinct values of an ascending array. */
export function countDistinct(sorted: Float64Array): number {
  const n = sorted.length;
  let distinct = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) {
    if (sorted[i] !== sorted[i - 1]) {
      distinct++;
    }
  }
  return distinct;
}

/** The distinct values (`levels`, ascending) of an ascending array and how often each occurs. */
export interface DistinctLevels {
  levels: Float64Array;
  counts: Float64Array;
}

/** Run-length encodes an ascending array into its distinct values and their multiplicities. */
export function distinctLevels(sorted: Float64Array): DistinctLevels {
  const m = countDistinct(sorted);
  const levels = new Float64Array(m);
  const counts = new Float64Array(m);
  let level = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      level++;
      levels[level] = sorted[i];
    }
    counts[level]++;
  }
  return { levels, counts };
}
