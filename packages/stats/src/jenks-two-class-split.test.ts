import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bruteForceContiguous,
  naiveBetweenClassSumOfSquares,
  naiveSumOfSquares,
  partitionCost,
  statsError,
} from './_test-oracles';
import { StatsError } from './errors';
import { jenksBreaks } from './jenks-breaks';
import { jenksTwoClassSplit } from './jenks-two-class-split';

const sample = fc
  .oneof(
    fc.array(fc.integer({ min: -15, max: 15 }), { minLength: 2, maxLength: 12 }),
    fc.array(
      // Subnormal magnitudes are flushed to 0: their squares underflow and no statistic survives.
      fc.double({ min: -100, max: 100, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)),
      { minLength: 2, maxLength: 12 },
    ),
  )
  .filter((values) => new Set(values.map((x) => x + 0)).size >= 2);

describe('jenksTwoClassSplit', () => {
  it('splits [10, 1, 11, 2, 12, 3] with hand-computed statistics', () => {
    const split = jenksTwoClassSplit([10, 1, 11, 2, 12, 3]);
    expect(split.breakValue).toBe(3);
    expect(Array.from(split.highMask)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(Array.from(split.lowIndices)).toEqual([1, 3, 5]);
    expect(Array.from(split.highIndices)).toEqual([0, 2, 4]);
    expect(split.lowCount).toBe(3);
    expect(split.highCount).toBe(3);
    expect(split.lowMean).toBe(2);
    expect(split.highMean).toBe(11);
    // Class SS: (1 + 0 + 1) each; SSW = 4; SST = 2·(5.5² + 4.5² + 3.5²) = 125.5; SSB = 121.5.
    expect(split.lowVariance).toBeCloseTo(2 / 3, 14);
    expect(split.highVariance).toBeCloseTo(2 / 3, 14);
    expect(split.withinClassVariance).toBeCloseTo(4 / 6, 14);
    expect(split.betweenClassVariance).toBeCloseTo(121.5 / 6, 12);
    expect(split.totalVariance).toBeCloseTo(125.5 / 6, 12);
    expect(split.goodnessOfVarianceFit).toBeCloseTo(1 - 4 / 125.5, 14);
  });

  it('puts every value equal to the break in the low class', () => {
    // Cut after the 5s: SSW = 30 + 0.5; cut after the 0s: SSW = 240.75.
    const values = [5, 0, 20, 0, 5, 21, 0];
    const split = jenksTwoClassSplit(values);
    expect(split.breakValue).toBe(5);
    expect(Array.from(split.highMask)).toEqual([0, 0, 1, 0, 0, 1, 0]);
    expect(split.lowCount).toBe(5);
    expect(split.lowMean).toBe(2);
    expect(split.highMean).toBe(20.5);
    expect(split.withinClassVariance * 7).toBeCloseTo(30.5, 12);
  });

  it('returns a documented degenerate split for all-equal input', () => {
    const split = jenksTwoClassSplit(new Float64Array([4, 4, 4]));
    expect(split.breakValue).toBe(4);
    expect(Array.from(split.highMask)).toEqual([0, 0, 0]);
    expect(Array.from(split.lowIndices)).toEqual([0, 1, 2]);
    expect(split.highIndices).toHaveLength(0);
    expect(split.lowCount).toBe(3);
    expect(split.highCount).toBe(0);
    expect(split.lowMean).toBe(4);
    expect(split.highMean).toBeNaN();
    expect(split.lowVariance).toBe(0);
    expect(split.highVariance).toBeNaN();
    expect(split.withinClassVariance).toBe(0);
    expect(split.betweenClassVariance).toBe(0);
    expect(split.totalVariance).toBe(0);
    expect(split.goodnessOfVarianceFit).toBe(0);
    expect(jenksTwoClassSplit([9]).breakValue).toBe(9);
  });

  it('gives the same split for Float32Array and its float64 widening', () => {
    const float32 = Float32Array.from([0.31, 0.29, 0.9, 0.33, 0.95, 0.3]);
    const fromFloat32 = jenksTwoClassSplit(float32);
    const fromArray = jenksTwoClassSplit(Array.from(float32));
    expect(fromFloat32.breakValue).toBe(Math.fround(0.33));
    expect(Array.from(fromFloat32.highMask)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(fromFloat32).toEqual(fromArray);
  });

  it('throws on bad input with the function name in the message', () => {
    expect(() => jenksTwoClassSplit([])).toThrow(
      new StatsError(
        'E_EMPTY_INPUT',
        'jenksTwoClassSplit: values must contain at least one value, got an empty array',
      ),
    );
    expect(() => jenksTwoClassSplit([1, Number.POSITIVE_INFINITY])).toThrow(
      new StatsError(
        'E_NOT_FINITE',
        'jenksTwoClassSplit: values must contain only finite numbers, got Infinity at index 1',
      ),
    );
    expect(() => jenksTwoClassSplit(null as unknown as number[])).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'jenksTwoClassSplit: values must be an array or a numeric typed array, got null',
      ),
    );
    expect(() => jenksTwoClassSplit({ length: 1, 0: 1 } as ArrayLike<number>)).toThrow(
      statsError('E_INVALID_TYPE'),
    );
  });

  it('does not mutate its input', () => {
    const values = Float64Array.from([3, -1, 2, 8, 9]);
    jenksTwoClassSplit(values);
    expect(Array.from(values)).toEqual([3, -1, 2, 8, 9]);
  });

  it('is the exact two-class optimum with consistent statistics (property)', () => {
    fc.assert(
      fc.property(sample, (values) => {
        const split = jenksTwoClassSplit(values);
        const n = values.length;
        const sorted = [...values].sort((a, b) => a - b);
        const total = naiveSumOfSquares(values);
        const tolerance = 1e-9 * (1 + total);
        const { best } = bruteForceContiguous(sorted, 2, true);
        const { cost, sizes } = partitionCost(values, [sorted[0], split.breakValue, sorted[n - 1]]);
        expect(Math.abs(cost - best)).toBeLessThanOrEqual(tolerance);
        expect(split.breakValue).toBe(jenksBreaks(values, { classes: 2 })[1]);
        expect([split.lowCount, split.highCount]).toEqual(sizes);
        for (let i = 0; i < n; i++) {
          expect(split.highMask[i]).toBe(values[i] > split.breakValue ? 1 : 0);
        }
        expect([...split.lowIndices, ...split.highIndices].sort((a, b) => a - b)).toEqual(
          values.map((_, i) => i),
        );
        expect(Math.abs(split.withinClassVariance * n - best)).toBeLessThanOrEqual(tolerance);
        const between = naiveBetweenClassSumOfSquares(values, split.breakValue);
        expect(Math.abs(split.betweenClassVariance * n - between)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(split.totalVariance * n - total)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(split.goodnessOfVarianceFit - (1 - best / total))).toBeLessThanOrEqual(
          1e-9,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('separates a planted high cluster in 10^5 values with GVF above 0.95', () => {
    // 99% benign activations in [0, 1), 1% "poisoned" ones in [10, 11): the paper's setting.
    const n = 100_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = i % 100 === 7 ? 10 + (i % 89) / 89 : (i % 97) / 970;
    const split = jenksTwoClassSplit(values);
    expect(split.highCount).toBe(1000);
    expect(split.highIndices.every((index) => index % 100 === 7)).toBe(true);
    expect(split.breakValue).toBe(96 / 970);
    const low = Array.from(values).filter((x) => x < 5);
    const high = Array.from(values).filter((x) => x >= 5);
    const expectedFit =
      1 - (naiveSumOfSquares(low) + naiveSumOfSquares(high)) / naiveSumOfSquares(values);
    expect(split.goodnessOfVarianceFit).toBeCloseTo(expectedFit, 10);
    expect(split.goodnessOfVarianceFit).toBeGreaterThan(0.95);
  });
});
