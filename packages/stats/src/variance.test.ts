import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/numpy-moments.json';
import { isClose, statsError } from './_test-oracles';
import { StatsError } from './errors';
import { variance } from './variance';

describe('variance', () => {
  it('computes population variance by default and sample variance with ddof 1', () => {
    // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
    expect(variance([1, 2, 3, 4])).toBe(1.25);
    expect(variance([1, 2, 3, 4], { ddof: 1 })).toBeCloseTo(5 / 3, 15);
    expect(variance(new Float32Array([1, 2, 3, 4]))).toBe(1.25);
  });

  it('is 0 for all-equal input and for a single value', () => {
    expect(variance([7, 7, 7])).toBe(0);
    expect(variance([7, 7, 7], { ddof: 1 })).toBe(0);
    expect(variance([4])).toBe(0);
  });

  it('matches numpy.var for ddof 0 and 1 (fixture)', () => {
    for (const testCase of fixture.cases) {
      for (const [ddof, expected] of Object.entries(testCase.variance)) {
        const actual = variance(testCase.values, { ddof: Number(ddof) });
        expect(isClose(actual, expected, 1e-12), `${testCase.name} ddof=${ddof}`).toBe(true);
      }
    }
  });

  it('validates ddof against the number of values', () => {
    expect(() => variance([4], { ddof: 1 })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'variance: ddof must be a finite number in [0, 1) (below the number of values, so n - ddof > 0), got 1',
      ),
    );
    expect(() => variance([1, 2], { ddof: -1 })).toThrow(statsError('E_INVALID_ARGUMENT'));
    expect(() => variance([1, 2], { ddof: '1' as unknown as number })).toThrow(
      statsError('E_INVALID_TYPE'),
    );
    expect(() => variance([1, 2], null as unknown as { ddof: number })).toThrow(
      new StatsError('E_INVALID_TYPE', 'variance: options must be an object, got null'),
    );
  });
});
