import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/numpy-moments.json';
import { isClose, statsError } from './_test-oracles';
import { StatsError } from './errors';
import { quantile } from './quantile';

describe('quantile', () => {
  it('interpolates linearly between order statistics (hand-checked)', () => {
    // h = (4 − 1)·q: q = 0.5 → h = 1.5 → 2 + 0.5·(3 − 2); q = 0.25 → h = 0.75 → 1 + 0.75.
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], [0, 0.25, 1])).toEqual([1, 1.75, 4]);
    expect(quantile([10, 20], 0.1)).toBeCloseTo(11, 12);
    expect(quantile([5], 0.3)).toBe(5);
    expect(quantile(new Float32Array([3, 1, 2]), 0.5)).toBe(2);
  });

  it('matches numpy.quantile(method="linear") (fixture)', () => {
    for (const testCase of fixture.cases) {
      const actual = quantile(testCase.values, testCase.quantile.q);
      testCase.quantile.expected.forEach((expected, index) => {
        expect(isClose(actual[index], expected, 1e-15), `${testCase.name} #${index}`).toBe(true);
      });
    }
  });

  it('is the minimum at 0, the maximum at 1 and non-decreasing in q (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (values, probabilities) => {
          const sortedProbabilities = [...probabilities].sort((a, b) => a - b);
          const result = quantile(values, sortedProbabilities);
          for (let i = 1; i < result.length; i++) {
            expect(result[i]).toBeGreaterThanOrEqual(result[i - 1]);
          }
          expect(quantile(values, 0)).toBe(Math.min(...values) + 0);
          expect(quantile(values, 1)).toBe(Math.max(...values) + 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects probabilities outside [0, 1] and bad values', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow(
      new StatsError('E_INVALID_ARGUMENT', 'quantile: q must be a number in [0, 1], got 1.5'),
    );
    expect(() => quantile([1, 2], [0.5, Number.NaN])).toThrow(
      new StatsError('E_INVALID_ARGUMENT', 'quantile: q[1] must be a number in [0, 1], got NaN'),
    );
    expect(() => quantile([1, 2], '0.5' as unknown as number)).toThrow(
      statsError('E_INVALID_TYPE'),
    );
    expect(() => quantile([], 0.5)).toThrow(statsError('E_EMPTY_INPUT'));
  });

  it('does not mutate its input', () => {
    const values = [3, 1, 2];
    quantile(values, [0.2, 0.8]);
    expect(values).toEqual([3, 1, 2]);
  });
});
