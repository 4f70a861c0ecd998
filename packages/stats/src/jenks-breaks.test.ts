import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/jenks-simple-statistics.json';
import { fisherJenksBreaks } from './_fisher-jenks';
import { distinctLevels, sortedCopy } from './_sorted';
import {
  bruteForceAllPartitions,
  bruteForceContiguous,
  naiveSumOfSquares,
  partitionCost,
  shuffled,
  statsError,
} from './_test-oracles';
import { StatsError } from './errors';
import { jenksBreaks } from './jenks-breaks';

const smallInteger = fc.integer({ min: -20, max: 20 });
// Subnormal magnitudes are flushed to 0: their squares underflow, so no cost can rank them.
const smallDouble = fc
  .double({ min: -1000, max: 1000, noNaN: true })
  .map((x) => (Math.abs(x) < 1e-100 ? 0 : x));
/** Small samples with at least two distinct values, integer-valued (many ties) or real. */
const smallSample = (maxLength: number) =>
  fc
    .oneof(
      fc.array(smallInteger, { minLength: 2, maxLength }),
      fc.array(smallDouble, { minLength: 2, maxLength }),
    )
    .filter((values) => new Set(values.map((x) => x + 0)).size >= 2);
const distinctCount = (values: readonly number[]) => new Set(values.map((x) => x + 0)).size;

describe('jenksBreaks', () => {
  it('splits [1, 2, 3, 10, 11, 12] into two classes at 3', () => {
    // Cut after 3: SSW = 2 + 2 = 4; the next best cut (after 2 or after 10) costs 0.5 + 62.75.
    expect(jenksBreaks([1, 2, 3, 10, 11, 12], { classes: 2 })).toEqual([1, 3, 12]);
  });

  it('splits the simple-statistics doc example into three classes by hand', () => {
    // {1,2,4,5} SSW 10, {7,9,10} SSW 14/3, {20} 0: total 14.667, the least of the 21 cuts.
    const values = [1, 2, 4, 5, 7, 9, 10, 20];
    expect(jenksBreaks(values, { classes: 3 })).toEqual([1, 5, 10, 20]);
    expect(partitionCost(values, [1, 5, 10, 20]).cost).toBeCloseTo(10 + 14 / 3, 12);
  });

  it('gives the same breaks for Float32Array, Float64Array and plain arrays', () => {
    const float32 = Float32Array.from([0.1, 0.2, 0.3, 1.1, 1.2, 1.3, 5.7]);
    const widened = Array.from(float32);
    const expected = [widened[0], widened[2], widened[5], widened[6]];
    expect(jenksBreaks(float32, { classes: 3 })).toEqual(expected);
    expect(jenksBreaks(Float64Array.from(widened), { classes: 3 })).toEqual(expected);
    expect(jenksBreaks(widened, { classes: 3 })).toEqual(expected);
    expect(jenksBreaks(float32, { classes: 2 })).toEqual([widened[0], widened[5], widened[6]]);
  });

  it('puts every distinct value in its own class when classes equals the distinct count', () => {
    expect(jenksBreaks([3, 1, 2, 2, 3], { classes: 3 })).toEqual([1, 1, 2, 3]);
  });

  it('never splits equal values between classes', () => {
    // With ties the break is always followed by a strictly larger value.
    expect(jenksBreaks([0, 0, 0, 5, 5, 20, 21], { classes: 2 })).toEqual([0, 5, 21]);
    expect(jenksBreaks([1, 1, 1, 1, 2, 9, 9, 9], { classes: 3 })).toEqual([1, 1, 2, 9]);
  });

  it('returns +0 rather than -0', () => {
    const breaks = jenksBreaks([-0, 0, 1, 10], { classes: 2 });
    expect(Object.is(breaks[0], 0)).toBe(true);
    expect(breaks).toEqual([0, 1, 10]);
  });

  it('throws StatsError E_INVALID_ARGUMENT naming the rule when classes is below 2 or not an integer', () => {
    expect(() => jenksBreaks([1, 2, 3, 4], { classes: 1 })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'jenksBreaks: classes must be an integer in [2, 4] (the number of distinct values), got 1',
      ),
    );
    expect(() => jenksBreaks([1, 2, 3, 4], { classes: 2.5 })).toThrow(
      statsError('E_INVALID_ARGUMENT'),
    );
    expect(() => jenksBreaks([1, 2, 3, 4], { classes: Number.NaN })).toThrow(/got NaN/);
  });

  it('throws StatsError E_INVALID_ARGUMENT when classes exceeds the number of distinct values', () => {
    expect(() => jenksBreaks([1, 1, 2, 2, 3], { classes: 4 })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'jenksBreaks: classes must be an integer in [2, 3] (the number of distinct values), got 4',
      ),
    );
  });

  it('throws StatsError E_INVALID_TYPE when classes is missing or not a number', () => {
    expect(() => jenksBreaks([1, 2, 3], { classes: '2' as unknown as number })).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'jenksBreaks: classes must be an integer in [2, 3] (the number of distinct values), got "2"',
      ),
    );
    expect(() => jenksBreaks([1, 2, 3], {} as { classes: number })).toThrow(/got undefined/);
    expect(() => jenksBreaks([1, 2, 3], undefined as unknown as { classes: number })).toThrow(
      statsError('E_INVALID_TYPE'),
    );
  });

  it('throws StatsError E_INVALID_ARGUMENT on all-equal input (cannot form two non-empty classes)', () => {
    expect(() => jenksBreaks([5, 5, 5], { classes: 2 })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'jenksBreaks: values must contain at least 2 distinct values to form classes, got 3 value(s) all equal to 5',
      ),
    );
    expect(() => jenksBreaks([7], { classes: 2 })).toThrow(statsError('E_INVALID_ARGUMENT'));
  });

  it('throws on empty, non-finite and non-array input', () => {
    expect(() => jenksBreaks([], { classes: 2 })).toThrow(
      new StatsError(
        'E_EMPTY_INPUT',
        'jenksBreaks: values must contain at least one value, got an empty array',
      ),
    );
    expect(() => jenksBreaks([1, Number.NaN, 3], { classes: 2 })).toThrow(
      new StatsError(
        'E_NOT_FINITE',
        'jenksBreaks: values must contain only finite numbers, got NaN at index 1',
      ),
    );
    expect(() => jenksBreaks([1, 2, Number.NEGATIVE_INFINITY], { classes: 2 })).toThrow(
      /got -Infinity at index 2/,
    );
    expect(() => jenksBreaks('123' as unknown as number[], { classes: 2 })).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'jenksBreaks: values must be an array or a numeric typed array, got "123"',
      ),
    );
    expect(() => jenksBreaks([1, '2', 3] as unknown as number[], { classes: 2 })).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'jenksBreaks: values must contain only numbers, got "2" at index 1',
      ),
    );
    expect(() => jenksBreaks(new BigInt64Array(3) as unknown as number[], { classes: 2 })).toThrow(
      statsError('E_INVALID_TYPE'),
    );
  });

  it('does not mutate its input', () => {
    const values = [9, 1, 8, 2, 7, 3];
    const float32 = Float32Array.from(values);
    jenksBreaks(values, { classes: 3 });
    jenksBreaks(float32, { classes: 2 });
    expect(values).toEqual([9, 1, 8, 2, 7, 3]);
    expect(Array.from(float32)).toEqual([9, 1, 8, 2, 7, 3]);
  });

  describe('matches the simple-statistics fixture', () => {
    for (const testCase of fixture.cases) {
      it(testCase.name, () => {
        const breaks = jenksBreaks(testCase.values, { classes: testCase.classes });
        expect(breaks).toHaveLength(testCase.classes + 1);
        const { cost } = partitionCost(testCase.values, breaks);
        expect(cost).toBeCloseTo(testCase.withinClassSumOfSquares, 8);
        if (testCase.tiedOptima) return;
        breaks.forEach((value, index) => {
          expect(value).toBeCloseTo(testCase.expectedBreaks[index], 10);
        });
        // ss.jenks reports the first value of classes 2..k: the successor of our upper bound.
        const sorted = [...testCase.values].sort((a, b) => a - b);
        for (let c = 1; c < testCase.classes; c++) {
          expect(sorted.find((x) => x > breaks[c])).toBe(testCase.simpleStatisticsJenks[c]);
        }
      });
    }
  });

  it('equals brute force over all contiguous partitions (property)', () => {
    fc.assert(
      fc.property(smallSample(9), fc.integer({ min: 2, max: 5 }), (values, wanted) => {
        const k = Math.min(wanted, distinctCount(values));
        const breaks = jenksBreaks(values, { classes: k });
        const sorted = [...values].sort((a, b) => a - b);
        const { best } = bruteForceContiguous(sorted, k);
        const { cost, sizes } = partitionCost(values, breaks);
        const tolerance = 1e-9 * (1 + naiveSumOfSquares(values));
        expect(Math.abs(cost - best)).toBeLessThanOrEqual(tolerance);
        expect(sizes.every((size) => size > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('runs the dynamic program (also at k = 2) to the brute-force optimum (property)', () => {
    fc.assert(
      fc.property(smallSample(9), fc.integer({ min: 2, max: 4 }), (values, wanted) => {
        const k = Math.min(wanted, distinctCount(values));
        const { levels, counts } = distinctLevels(sortedCopy(values));
        const breaks = fisherJenksBreaks(levels, counts, k);
        const sorted = [...values].sort((a, b) => a - b);
        const { best } = bruteForceContiguous(sorted, k);
        const { cost } = partitionCost(values, breaks);
        expect(Math.abs(cost - best)).toBeLessThanOrEqual(1e-9 * (1 + naiveSumOfSquares(values)));
      }),
      { numRuns: 300 },
    );
  });

  it('is optimal over every partition, contiguous or not, on tiny inputs (property)', () => {
    fc.assert(
      fc.property(smallSample(7), fc.integer({ min: 2, max: 3 }), (values, wanted) => {
        const k = Math.min(wanted, distinctCount(values));
        const { cost } = partitionCost(values, jenksBreaks(values, { classes: k }));
        const best = bruteForceAllPartitions(values, k);
        expect(Math.abs(cost - best)).toBeLessThanOrEqual(1e-9 * (1 + naiveSumOfSquares(values)));
      }),
      { numRuns: 120 },
    );
  });

  it('returns k + 1 data values: min, strictly increasing class maxima, max (property)', () => {
    fc.assert(
      fc.property(smallSample(30), fc.integer({ min: 2, max: 6 }), (values, wanted) => {
        const k = Math.min(wanted, distinctCount(values));
        const breaks = jenksBreaks(values, { classes: k });
        const sorted = [...values].map((x) => x + 0).sort((a, b) => a - b);
        expect(breaks).toHaveLength(k + 1);
        expect(breaks[0]).toBe(sorted[0]);
        expect(breaks[k]).toBe(sorted.at(-1));
        for (let c = 1; c <= k; c++) {
          expect(sorted).toContain(breaks[c]);
          if (c > 1) expect(breaks[c]).toBeGreaterThan(breaks[c - 1]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant under shuffling (property)', () => {
    fc.assert(
      fc.property(
        smallSample(40),
        fc.integer({ min: 2, max: 5 }),
        fc.nat(),
        (values, wanted, seed) => {
          const k = Math.min(wanted, distinctCount(values));
          expect(jenksBreaks(shuffled(values, seed), { classes: k })).toEqual(
            jenksBreaks(values, { classes: k }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('maps breaks through positive affine maps x -> a x + b (property)', () => {
    fc.assert(
      fc.property(
        smallSample(9),
        fc.integer({ min: 2, max: 4 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (values, wanted, a, b) => {
          const k = Math.min(wanted, distinctCount(values));
          const sorted = [...values].sort((x, y) => x - y);
          const { best, secondBest } = bruteForceContiguous(sorted, k, true);
          // Only a clear optimum is guaranteed to survive the rounding of a·x + b.
          fc.pre(secondBest - best > 1e-6 * (1 + naiveSumOfSquares(values)));
          const mapped = values.map((x) => a * x + b);
          fc.pre(new Set(mapped).size === distinctCount(values));
          const original = partitionCost(values, jenksBreaks(values, { classes: k })).classOf;
          const transformed = partitionCost(mapped, jenksBreaks(mapped, { classes: k })).classOf;
          expect(transformed).toEqual(original);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles moderate n with many classes against the two-class path and known clusters', () => {
    // Four well separated clusters of 500 values each: k = 4 must recover them exactly.
    const values: number[] = [];
    for (let cluster = 0; cluster < 4; cluster++) {
      for (let i = 0; i < 500; i++) values.push(cluster * 100 + (i % 50) / 10);
    }
    expect(jenksBreaks(values, { classes: 4 })).toEqual([0, 4.9, 104.9, 204.9, 304.9]);
    // The DP at k = 2 agrees with the O(n log n) scan on the same data.
    const { levels, counts } = distinctLevels(sortedCopy(values));
    expect(fisherJenksBreaks(levels, counts, 2)).toEqual(jenksBreaks(values, { classes: 2 }));
  });
});
