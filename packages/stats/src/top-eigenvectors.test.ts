import { describe, expect, it } from 'vitest';
import { StatsError } from './errors';
import { createRandom } from './random';
import { symmetricEigen } from './symmetric-eigen';
import { topEigenvectors } from './top-eigenvectors';

/** The sample covariance of `rows` random points whose column j has standard deviation scale(j). */
function covarianceOf(rows: number, size: number, scale: (j: number) => number, seed: number) {
  const random = createRandom(seed);
  // Columns mixed by a fixed random rotation-like matrix, so the axes are not coordinate axes.
  const mix = Float64Array.from({ length: size * size }, () => random.normal());
  const data = new Float64Array(rows * size);
  for (let i = 0; i < rows; i++) {
    const z = Float64Array.from({ length: size }, (_, j) => random.normal() * scale(j));
    for (let j = 0; j < size; j++) {
      let sum = 0;
      for (let t = 0; t < size; t++) sum += mix[j * size + t]! * z[t]!;
      data[i * size + j] = sum;
    }
  }
  const covariance = new Float64Array(size * size);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < size; p++) {
      for (let q = 0; q < size; q++) {
        covariance[p * size + q]! += (data[i * size + p]! * data[i * size + q]!) / rows;
      }
    }
  }
  return covariance;
}

describe('topEigenvectors', () => {
  it('finds the eigenpairs the full Jacobi decomposition finds, on a covariance with a decaying spectrum', () => {
    const size = 30;
    const covariance = covarianceOf(400, size, (j) => 0.8 ** j, 3);
    const exact = symmetricEigen(covariance, size);
    const top = topEigenvectors(covariance, size, 6);
    expect(top.values.length).toBe(6);
    expect(top.vectors.length).toBe(6 * size);
    for (let e = 0; e < 6; e++) {
      expect(top.values[e]).toBeCloseTo(exact.values[e]!, 8);
      // Same unit vector, same sign convention (largest entry positive).
      for (let j = 0; j < size; j++) {
        expect(top.vectors[e * size + j]).toBeCloseTo(exact.vectors[e * size + j]!, 4);
      }
    }
  });

  it('returns an orthonormal basis of a rank-2 matrix padded with zero eigenvalues', () => {
    // A = 5 u u^T + 2 v v^T with u, v orthonormal in R^4.
    const u = [0.5, 0.5, 0.5, 0.5];
    const v = [0.5, -0.5, 0.5, -0.5];
    const a = new Float64Array(16);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) a[i * 4 + j] = 5 * u[i]! * u[j]! + 2 * v[i]! * v[j]!;
    }
    const { values, vectors } = topEigenvectors(a, 4, 4);
    expect(Array.from(values)).toEqual([
      expect.closeTo(5, 10),
      expect.closeTo(2, 10),
      expect.closeTo(0, 10),
      expect.closeTo(0, 10),
    ]);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        let dot = 0;
        for (let j = 0; j < 4; j++) dot += vectors[r * 4 + j]! * vectors[c * 4 + j]!;
        expect(dot).toBeCloseTo(r === c ? 1 : 0, 10);
      }
    }
    for (let j = 0; j < 4; j++) expect(Math.abs(vectors[j]!)).toBeCloseTo(0.5, 10);
  });

  it('clamps k to the size, is deterministic for a seed, and rejects bad input', () => {
    const a = Float64Array.from([2, 1, 1, 2]);
    const top = topEigenvectors(a, 2, 5);
    expect(Array.from(top.values)).toEqual([expect.closeTo(3, 10), expect.closeTo(1, 10)]);
    const covariance = covarianceOf(100, 12, (j) => 0.7 ** j, 1);
    expect(topEigenvectors(covariance, 12, 3, { seed: 9 })).toEqual(
      topEigenvectors(covariance, 12, 3, { seed: 9 }),
    );
    expect(() => topEigenvectors(a, 3, 1)).toThrow(StatsError);
    expect(() => topEigenvectors(a, 2, 0)).toThrow(/k must be a positive integer/);
    expect(() => topEigenvectors([1, Number.NaN, Number.NaN, 1], 2, 1)).toThrow(/finite/);
  });
});
