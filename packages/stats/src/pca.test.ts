import { describe, expect, it } from 'vitest';
import { StatsError } from './errors';
import { principalComponents, projectOntoComponents } from './pca';

describe('principalComponents', () => {
  it('recovers the axes of a hand-computed covariance', () => {
    // Rows (3,3), (-3,-3), (1,-1), (-1,1): mean 0, covariance [[20,16],[16,20]] / 3, whose
    // eigenvalues are 12 along (1, 1) and 4/3 along (1, -1).
    const data = Float64Array.from([3, 3, -3, -3, 1, -1, -1, 1]);
    const pca = principalComponents(data, 4, 2, 2);
    const r = Math.SQRT1_2;
    expect(pca.variances[0]).toBeCloseTo(12, 10);
    expect(pca.variances[1]).toBeCloseTo(4 / 3, 10);
    [r, r, r, -r].forEach((v, i) => {
      expect(pca.components[i]).toBeCloseTo(v, 10);
    });
    const projected = projectOntoComponents(data, 4, pca);
    [6 * r, 0, -6 * r, 0, 0, 2 * r, 0, -2 * r].forEach((v, i) => {
      expect(projected[i]).toBeCloseTo(v, 10);
    });
  });

  it('keeps at most `columns` components and centres the data', () => {
    const data = Float64Array.from([1, 10, 3, 10, 5, 10]);
    const pca = principalComponents(data, 3, 2, 10);
    expect(Array.from(pca.mean)).toEqual([3, 10]);
    expect(pca.components).toHaveLength(4);
    expect(pca.variances[0]).toBeCloseTo(4, 12);
    expect(pca.variances[1]).toBeCloseTo(0, 12);
  });

  it('names the argument in its errors', () => {
    expect(() => principalComponents([1, 2, 3], 2, 2, 1)).toThrow(StatsError);
    expect(() => principalComponents([1, 2, 3, 4], 2, 2, 0)).toThrow(
      /components must be a positive integer, got 0/,
    );
  });
});
