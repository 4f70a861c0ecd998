import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './symmetric-eigen';

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
