import { describe, expect, it } from 'vitest';
import { BaselineError } from './errors';
import { principalComponents, projectOntoComponents, symmetricEigen } from './pca';

describe('symmetricEigen', () => {
  it('decomposes [[2, 1], [1, 2]] into 3 along (1, 1) and 1 along (1, -1)', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    const r = Math.SQRT1_2;
    expect(Array.from(values)).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)]);
    expect(Array.from(vectors)).toEqual([
      expect.closeTo(r, 12),
      expect.closeTo(r, 12),
      expect.closeTo(r, 12),
      expect.closeTo(-r, 12),
    ]);
  });

  it('decomposes a 3x3 matrix: eigenvalues 11, 2, 1 of [[2,0,0],[0,3,4],[0,4,9]]', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 0, 0, 0, 3, 4, 0, 4, 9]), 3);
    const s = 1 / Math.sqrt(5);
    expect(Array.from(values).map((v) => Number(v.toFixed(10)))).toEqual([11, 2, 1]);
    // 11: (0, 1, 2)/sqrt5; 2: e1; 1: (0, 2, -1)/sqrt5 (sign: largest entry positive).
    const expected = [0, s, 2 * s, 1, 0, 0, 0, 2 * s, -s];
    vectors.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 10);
    });
  });

  it('returns orthonormal eigenvectors that satisfy A v = lambda v on a random 12x12 matrix', () => {
    const size = 12;
    const a = new Float64Array(size * size);
    let state = 1;
    const next = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647 - 0.5;
    };
    for (let i = 0; i < size; i++) {
      for (let j = i; j < size; j++) a[i * size + j] = a[j * size + i] = next();
    }
    const { values, vectors } = symmetricEigen(a, size);
    for (let e = 0; e < size; e++) {
      for (let i = 0; i < size; i++) {
        let av = 0;
        for (let j = 0; j < size; j++) av += a[i * size + j]! * vectors[e * size + j]!;
        expect(av).toBeCloseTo(values[e]! * vectors[e * size + i]!, 10);
      }
      for (let f = 0; f < size; f++) {
        let dot = 0;
        for (let j = 0; j < size; j++) dot += vectors[e * size + j]! * vectors[f * size + j]!;
        expect(dot).toBeCloseTo(e === f ? 1 : 0, 10);
      }
      if (e > 0) expect(values[e]!).toBeLessThanOrEqual(values[e - 1]!);
    }
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(
      /matrix must hold size \* size = 4 values, got 3/,
    );
  });
});

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
    expect(() => principalComponents([1, 2, 3], 2, 2, 1)).toThrow(BaselineError);
    expect(() => principalComponents([1, 2, 3, 4], 2, 2, 0)).toThrow(
      /components must be a positive integer, got 0/,
    );
  });
});
