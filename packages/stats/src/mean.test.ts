import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/numpy-moments.json';
import { isClose } from './_test-oracles';
import { StatsError } from './errors';
import { mean } from './mean';

describe('mean', () => {
  it('averages hand-checked samples', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([-3])).toBe(-3);
    expect(mean(new Float32Array([0.5, 1.5, 4]))).toBe(2);
    expect(mean(new Uint16Array([1, 2, 3, 6]))).toBe(3);
  });

  it('matches numpy.mean (fixture)', () => {
    for (const testCase of fixture.cases) {
      expect(isClose(mean(testCase.values), testCase.mean, 1e-15), testCase.name).toBe(true);
    }
  });

  it('keeps precision with a large offset', () => {
    // 1e9 + {0.1, 0.2, 0.3}: a naive sum loses the 0.2 in the last bits, two-pass keeps it.
    expect(mean([1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3]) - 1e9).toBeCloseTo(0.2, 6);
  });

  it('throws on bad input with the function name in the message', () => {
    expect(() => mean([])).toThrow(
      new StatsError(
        'E_EMPTY_INPUT',
        'mean: values must contain at least one value, got an empty array',
      ),
    );
    expect(() => mean([1, Number.NaN])).toThrow(
      new StatsError(
        'E_NOT_FINITE',
        'mean: values must contain only finite numbers, got NaN at index 1',
      ),
    );
    expect(() => mean({} as number[])).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'mean: values must be an array or a numeric typed array, got an object',
      ),
    );
  });
});
