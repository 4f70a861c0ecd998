import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/otsu-skimage.json';
import {
  bruteForceContiguous,
  naiveBetweenClassSumOfSquares,
  naiveSumOfSquares,
  partitionCost,
  shuffled,
  statsError,
} from './_test-oracles';
import { StatsError } from './errors';
import { jenksBreaks } from './jenks-breaks';
import { otsuThresholdExact } from './otsu-threshold-exact';

const sample = fc
  .oneof(
    fc.array(fc.integer({ min: -15, max: 15 }), { minLength: 2, maxLength: 12 }),
    fc.array(
      fc.double({ min: -100, max: 100, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)),
      { minLength: 2, maxLength: 12 },
    ),
  )
  .filter((values) => new Set(values.map((x) => x + 0)).size >= 2);

/** Every cut `x <= t` at a distinct value t < max, scored by the between-class sum of squares. */
function cutScores(values: number[]): { t: number; between: number; within: number }[] {
  const levels = [...new Set(values.map((x) => x + 0))].sort((a, b) => a - b).slice(0, -1);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return levels.map((t) => ({
    t,
    between: naiveBetweenClassSumOfSquares(values, t),
    within: partitionCost(values, [min, t, max]).cost,
  }));
}

describe('otsuThresholdExact', () => {
  it('returns 3 for [1, 2, 3, 10, 11, 12]', () => {
    // SSB after 3: 6·(2 − 6.5)²/2·… = 3·4.5² + 3·4.5² = 121.5, the largest of the five cuts.
    expect(otsuThresholdExact([1, 2, 3, 10, 11, 12])).toBe(3);
  });

  it('matches the numpy brute-force thresholds of the fixture', () => {
    for (const testCase of fixture.cases) {
      expect(otsuThresholdExact(testCase.values), testCase.name).toBe(testCase.exactThreshold);
    }
  });

  it('returns the common value for all-equal input and a data value otherwise', () => {
    expect(otsuThresholdExact([3, 3, 3])).toBe(3);
    const values = new Float32Array([0.25, 0.5, 0.75, 4, 4.5]);
    expect(otsuThresholdExact(values)).toBe(0.75);
  });

  it('throws on bad input with the function name in the message', () => {
    expect(() => otsuThresholdExact([])).toThrow(
      new StatsError(
        'E_EMPTY_INPUT',
        'otsuThresholdExact: values must contain at least one value, got an empty array',
      ),
    );
    expect(() => otsuThresholdExact([Number.NaN])).toThrow(statsError('E_NOT_FINITE'));
    expect(() => otsuThresholdExact(undefined as unknown as number[])).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'otsuThresholdExact: values must be an array or a numeric typed array, got undefined',
      ),
    );
  });

  it('maximises between-class variance and so minimises within-class SSE (property)', () => {
    fc.assert(
      fc.property(sample, (values) => {
        const t = otsuThresholdExact(values);
        const scores = cutScores(values);
        const maxBetween = Math.max(...scores.map((score) => score.between));
        const minWithin = Math.min(...scores.map((score) => score.within));
        const chosen = scores.find((score) => score.t === t);
        const tolerance = 1e-9 * (1 + naiveSumOfSquares(values));
        expect(chosen).toBeDefined();
        expect(maxBetween - (chosen?.between ?? 0)).toBeLessThanOrEqual(tolerance);
        expect((chosen?.within ?? 0) - minWithin).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same partition as two-class Jenks (property)', () => {
    fc.assert(
      fc.property(sample, (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const { best, secondBest } = bruteForceContiguous(sorted, 2, true);
        const total = naiveSumOfSquares(values);
        const jenks = jenksBreaks(values, { classes: 2 })[1];
        const otsu = otsuThresholdExact(values);
        if (secondBest - best > 1e-9 * (1 + total)) {
          // A unique optimum: both must find exactly that cut.
          expect(otsu).toBe(jenks);
        } else {
          // Several optimal cuts: both must still be optimal.
          const min = sorted[0];
          const max = sorted.at(-1) ?? min;
          const tolerance = 1e-9 * (1 + total);
          expect(partitionCost(values, [min, otsu, max]).cost - best).toBeLessThanOrEqual(
            tolerance,
          );
          expect(partitionCost(values, [min, jenks, max]).cost - best).toBeLessThanOrEqual(
            tolerance,
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is invariant under shuffling and equivariant under positive affine maps (property)', () => {
    fc.assert(
      fc.property(
        sample,
        fc.nat(),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (values, seed, a, b) => {
          const t = otsuThresholdExact(values);
          expect(otsuThresholdExact(shuffled(values, seed))).toBe(t);
          const sorted = [...values].sort((x, y) => x - y);
          const { best, secondBest } = bruteForceContiguous(sorted, 2, true);
          fc.pre(secondBest - best > 1e-6 * (1 + naiveSumOfSquares(values)));
          const mapped = values.map((x) => a * x + b);
          fc.pre(new Set(mapped).size === new Set(values.map((x) => x + 0)).size);
          const mappedThreshold = otsuThresholdExact(mapped);
          expect(mapped.map((x) => x > mappedThreshold)).toEqual(values.map((x) => x > t));
        },
      ),
      { numRuns: 200 },
    );
  });
});
