/**
 * Test-only oracles: deliberately naive reference computations (plain two-pass sums, exhaustive
 * enumeration) that share no code with the implementations they check.
 *
 * @internal never re-exported from `index.ts`; imported by `*.test.ts` only.
 */
import { expect } from 'vitest';
import type { StatsErrorCode } from './errors';

/** Matches (in `toThrow`) a {@link StatsError} with this code, whatever its message. */
export function statsError(code: StatsErrorCode) {
  return expect.objectContaining({ name: 'StatsError', code });
}

/** Plain two-pass sum of squared deviations from the mean. */
export function naiveSumOfSquares(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const center = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - center) ** 2;
  return squares;
}

/**
 * Total within-class sum of squares of the partition that `breaks` (jenkspy convention) induces on
 * `values`: `x` goes to the first class `i` with `x <= breaks[i + 1]`. Also returns class sizes.
 */
export function partitionCost(
  values: ArrayLike<number>,
  breaks: readonly number[],
): { cost: number; sizes: number[]; classOf: number[] } {
  const k = breaks.length - 1;
  const members: number[][] = Array.from({ length: k }, () => []);
  const classOf: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let c = 0;
    while (c < k - 1 && values[i] > breaks[c + 1]) c++;
    members[c].push(values[i]);
    classOf.push(c);
  }
  let cost = 0;
  for (const part of members) if (part.length > 0) cost += naiveSumOfSquares(part);
  return { cost, sizes: members.map((part) => part.length), classOf };
}

/**
 * Exhaustive search over all ways to cut the ascending `sorted` into `k` non-empty contiguous
 * runs. With `respectTies`, cuts between equal values are skipped. Returns the best cost and the
 * cost of the runner-up partition (to measure how clear the optimum is).
 */
export function bruteForceContiguous(
  sorted: readonly number[],
  k: number,
  respectTies = false,
): { best: number; secondBest: number } {
  const n = sorted.length;
  const costs: number[] = [];
  const cuts: number[] = [];
  const recurse = (from: number, remaining: number): void => {
    if (remaining === 1) {
      let cost = 0;
      let start = 0;
      for (const cut of [...cuts, n]) {
        cost += naiveSumOfSquares(sorted.slice(start, cut));
        start = cut;
      }
      costs.push(cost);
      return;
    }
    for (let cut = from + 1; cut <= n - remaining + 1; cut++) {
      if (respectTies && sorted[cut - 1] === sorted[cut]) continue;
      cuts.push(cut);
      recurse(cut, remaining - 1);
      cuts.pop();
    }
  };
  recurse(0, k);
  costs.sort((a, b) => a - b);
  // secondBest is the cost of the runner-up partition: equal to best when the optimum is tied.
  return {
    best: costs[0] ?? Number.POSITIVE_INFINITY,
    secondBest: costs[1] ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * Exhaustive search over every partition of `values` into exactly `k` non-empty sets (not only
 * contiguous ones), by restricted growth strings. Feasible for n <= 8.
 */
export function bruteForceAllPartitions(values: readonly number[], k: number): number {
  const n = values.length;
  const labels = new Array<number>(n).fill(0);
  let best = Number.POSITIVE_INFINITY;
  const recurse = (index: number, used: number): void => {
    if (index === n) {
      if (used !== k) return;
      let cost = 0;
      for (let c = 0; c < k; c++)
        cost += naiveSumOfSquares(values.filter((_, i) => labels[i] === c));
      best = Math.min(best, cost);
      return;
    }
    if (n - index < k - used) return;
    for (let c = 0; c <= Math.min(used, k - 1); c++) {
      labels[index] = c;
      recurse(index + 1, Math.max(used, c + 1));
    }
  };
  recurse(0, 0);
  return best;
}

/** Between-class sum of squares of the split `x <= t` / `x > t`, computed directly. */
export function naiveBetweenClassSumOfSquares(values: readonly number[], t: number): number {
  const low = values.filter((x) => x <= t);
  const high = values.filter((x) => x > t);
  const average = (part: readonly number[]) => part.reduce((a, b) => a + b, 0) / part.length;
  const total = average(values);
  let result = low.length * (average(low) - total) ** 2;
  if (high.length > 0) result += high.length * (average(high) - total) ** 2;
  return result;
}

/** mulberry32: small seeded generator for reproducible test data. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of `values` (a new array). */
export function shuffled(values: readonly number[], seed: number): number[] {
  const random = mulberry32(seed);
  const result = [...values];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/** |actual − expected| <= relative · max(1, |expected|). */
export function isClose(actual: number, expected: number, relative = 1e-12): boolean {
  return Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected));
}
