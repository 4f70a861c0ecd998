import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/otsu-skimage.json';
import { naiveBetweenClassSumOfSquares, statsError } from './_test-oracles';
import { StatsError } from './errors';
import { otsuThreshold } from './otsu-threshold';
import { otsuThresholdExact } from './otsu-threshold-exact';

describe('otsuThreshold', () => {
  it('computes hand-checked thresholds for [1, 2, 3, 10, 11, 12]', () => {
    // bins = 2: edges 1, 6.5, 12, centres 3.75 and 9.25; the only cut is after bin 0.
    expect(otsuThreshold([1, 2, 3, 10, 11, 12], { bins: 2 })).toBe(3.75);
    // bins = 4: edges 1, 3.75, 6.5, 9.25, 12; counts [3, 0, 0, 3]; the three cuts tie and the
    // first one wins, so t = centre of bin 0 = 2.375.
    expect(otsuThreshold([1, 2, 3, 10, 11, 12], { bins: 4 })).toBe(2.375);
  });

  it('separates the STYLE.md example inside [0.2, 0.9)', () => {
    const values = new Float32Array([0.1, 0.2, 0.9, 1.0]);
    const t = otsuThreshold(values);
    expect(t).toBeGreaterThanOrEqual(Math.fround(0.2));
    expect(t).toBeLessThan(Math.fround(0.9));
    expect(Array.from(values, (x) => x > t)).toEqual([false, false, true, true]);
  });

  it('uses 256 bins by default', () => {
    const values = fixture.cases[3].values;
    expect(otsuThreshold(values)).toBe(otsuThreshold(values, { bins: 256 }));
    expect(otsuThreshold(values)).not.toBe(otsuThreshold(values, { bins: 16 }));
  });

  describe('matches skimage.filters.threshold_otsu (fixture)', () => {
    for (const testCase of fixture.cases) {
      it(testCase.name, () => {
        for (const [bins, expected] of Object.entries(testCase.thresholds)) {
          expect(otsuThreshold(testCase.values, { bins: Number(bins) })).toBe(expected);
        }
      });
    }
  });

  it('gives the same threshold for a Float32Array as for its float64 values', () => {
    const testCase = fixture.cases.find((entry) => entry.name.startsWith('float32'));
    const float32 = Float32Array.from(testCase?.values ?? []);
    expect(Array.from(float32)).toEqual(testCase?.values);
    expect(otsuThreshold(float32)).toBe(testCase?.thresholds['256']);
  });

  it('returns the common value for all-equal input, so nothing is foreground', () => {
    expect(otsuThreshold([2.5, 2.5, 2.5])).toBe(2.5);
    expect(otsuThreshold(new Float32Array([7]))).toBe(7);
  });

  it('validates bins and values', () => {
    expect(() => otsuThreshold([1, 2], { bins: 1 })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'otsuThreshold: bins must be an integer in [2, 16777216], got 1',
      ),
    );
    expect(() => otsuThreshold([1, 2], { bins: 2.5 })).toThrow(statsError('E_INVALID_ARGUMENT'));
    expect(() => otsuThreshold([1, 2], { bins: '8' as unknown as number })).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'otsuThreshold: bins must be an integer in [2, 16777216], got "8"',
      ),
    );
    expect(() => otsuThreshold([1, Number.NaN])).toThrow(
      new StatsError(
        'E_NOT_FINITE',
        'otsuThreshold: values must contain only finite numbers, got NaN at index 1',
      ),
    );
    expect(() => otsuThreshold([])).toThrow(statsError('E_EMPTY_INPUT'));
    expect(() => otsuThreshold(42 as unknown as number[])).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'otsuThreshold: values must be an array or a numeric typed array, got 42',
      ),
    );
    expect(() => otsuThreshold([1, 2], 'bins' as unknown as { bins: number })).toThrow(
      statsError('E_INVALID_TYPE'),
    );
  });

  it('does not mutate its input', () => {
    const values = [0.5, 0.1, 0.9, 0.2];
    otsuThreshold(values, { bins: 8 });
    expect(values).toEqual([0.5, 0.1, 0.9, 0.2]);
  });

  it('never beats the bin-free optimum and returns a bin centre (property)', () => {
    const sample = fc
      .array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 2, maxLength: 60 })
      .filter((values) => Math.max(...values) - Math.min(...values) > 1e-6);
    fc.assert(
      fc.property(sample, fc.integer({ min: 2, max: 300 }), (values, bins) => {
        const t = otsuThreshold(values, { bins });
        const exact = otsuThresholdExact(values);
        const binned = naiveBetweenClassSumOfSquares(values, t);
        const optimum = naiveBetweenClassSumOfSquares(values, exact);
        expect(binned).toBeLessThanOrEqual(optimum * (1 + 1e-9) + 1e-9);
        const min = Math.min(...values);
        const max = Math.max(...values);
        expect(t).toBeGreaterThanOrEqual(min);
        expect(t).toBeLessThanOrEqual(max);
        const width = (max - min) / bins;
        const bin = Math.floor((t - min) / width);
        expect(Math.abs(t - (min + (bin + 0.5) * width))).toBeLessThanOrEqual(1e-9 * width);
      }),
      { numRuns: 200 },
    );
  });
});
