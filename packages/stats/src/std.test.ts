import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/numpy-moments.json';
import { isClose } from './_test-oracles';
import { StatsError } from './errors';
import { std } from './std';

describe('std', () => {
  it('computes the population standard deviation by default', () => {
    // mean 5, squared deviations sum to 32, 32 / 8 = 4.
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9], { ddof: 1 })).toBeCloseTo(Math.sqrt(32 / 7), 15);
    expect(std(new Float32Array([2, 4, 4, 4, 5, 5, 7, 9]))).toBe(2);
  });

  it('matches numpy.std for ddof 0 and 1 (fixture)', () => {
    for (const testCase of fixture.cases) {
      for (const [ddof, expected] of Object.entries(testCase.std)) {
        const actual = std(testCase.values, { ddof: Number(ddof) });
        expect(isClose(actual, expected, 1e-12), `${testCase.name} ddof=${ddof}`).toBe(true);
      }
    }
  });

  it('is 0 for all-equal input and rejects bad input', () => {
    expect(std([-1, -1])).toBe(0);
    expect(() => std([1, 2], { ddof: 2 })).toThrow(
      /^std: ddof must be a finite number in \[0, 2\)/,
    );
    expect(() => std([Number.POSITIVE_INFINITY])).toThrow(
      new StatsError(
        'E_NOT_FINITE',
        'std: values must contain only finite numbers, got Infinity at index 0',
      ),
    );
  });
});
