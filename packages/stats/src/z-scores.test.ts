import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/numpy-moments.json';
import { isClose, statsError } from './_test-oracles';
import { StatsError } from './errors';
import { zScores } from './z-scores';

describe('zScores', () => {
  it('standardises with the population mean and std by default (hand-checked)', () => {
    // mean 5, population std 2.
    expect(Array.from(zScores([2, 4, 4, 4, 5, 5, 7, 9]))).toEqual([
      -1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2,
    ]);
    expect(zScores([1, 2, 3])).toBeInstanceOf(Float64Array);
  });

  it('uses a given mean and std, and ddof when the std is computed', () => {
    expect(Array.from(zScores([1, 2, 3], { mean: 0, std: 2 }))).toEqual([0.5, 1, 1.5]);
    // Sample std of [1, 2, 3] is 1.
    expect(Array.from(zScores([1, 2, 3], { ddof: 1 }))).toEqual([-1, 0, 1]);
    expect(Array.from(zScores([1, 2, 3], { mean: 1, ddof: 1 }))).toEqual([0, 1, 2]);
  });

  it('matches (x - numpy.mean) / numpy.std (fixture)', () => {
    for (const testCase of fixture.cases) {
      if (testCase.zScores === null) continue;
      const actual = zScores(testCase.values);
      testCase.zScores.forEach((expected, index) => {
        expect(isClose(actual[index], expected, 1e-12), `${testCase.name} #${index}`).toBe(true);
      });
    }
  });

  it('returns zeros when the computed standard deviation is 0', () => {
    expect(Array.from(zScores([3, 3, 3]))).toEqual([0, 0, 0]);
    expect(Array.from(zScores([3, 3], { mean: 1 }))).toEqual([0, 0]);
  });

  it('writes into out, also in place', () => {
    const out = new Float64Array(3);
    expect(zScores([1, 2, 3], { mean: 2, std: 1, out })).toBe(out);
    expect(Array.from(out)).toEqual([-1, 0, 1]);
    const values = Float64Array.from([2, 4, 6]);
    zScores(values, { out: values });
    expect(values[1]).toBe(0);
    expect(values[2]).toBeCloseTo(Math.sqrt(1.5), 14);
  });

  it('gives the same result for Float32Array input', () => {
    expect(Array.from(zScores(new Float32Array([2, 4, 4, 4, 5, 5, 7, 9])))).toEqual([
      -1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2,
    ]);
  });

  it('does not mutate its input', () => {
    const values = [5, 1, 3];
    zScores(values);
    expect(values).toEqual([5, 1, 3]);
  });

  it('rejects a zero or non-finite std, a bad mean, ddof or out', () => {
    expect(() => zScores([1, 2], { std: 0 })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'zScores: std must be a finite number greater than 0, got 0',
      ),
    );
    expect(() => zScores([1, 2], { mean: Number.NaN })).toThrow(
      new StatsError('E_INVALID_ARGUMENT', 'zScores: mean must be a finite number, got NaN'),
    );
    expect(() => zScores([1], { ddof: 1 })).toThrow(/^zScores: ddof must be/);
    expect(() => zScores([1, 2], { out: new Float64Array(3) })).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'zScores: out must have the same length as values (2), got length 3',
      ),
    );
    expect(() => zScores([1, 2], { out: new Float32Array(2) as unknown as Float64Array })).toThrow(
      new StatsError('E_INVALID_TYPE', 'zScores: out must be a Float64Array, got a Float32Array'),
    );
    expect(() => zScores([])).toThrow(statsError('E_EMPTY_INPUT'));
  });
});
