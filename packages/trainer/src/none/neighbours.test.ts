import { describe, expect, it } from 'vitest';
import {
  inputFeatures,
  labelDisagreement,
  nearestNeighbours,
  neighbourWitness,
  reduceFeatures,
} from './neighbours';

/** Brute force: the k nearest rows of `q` (squared Euclidean), ties broken by index. */
function bruteForce(rows: Float32Array, d: number, q: number, k: number, exclude?: Uint8Array) {
  const n = rows.length / d;
  const distance = (i: number) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += (rows[q * d + j]! - rows[i * d + j]!) ** 2;
    return sum;
  };
  return Array.from({ length: n }, (_, i) => i)
    .filter((i) => i !== q && !exclude?.[i])
    .sort((a, b) => distance(a) - distance(b) || a - b)
    .slice(0, k);
}

describe('nearestNeighbours', () => {
  // Points on a line at distinct, well-separated positions: the order is unambiguous.
  const n = 40;
  const d = 3;
  const rows = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const position = ((i * 17) % n) * 0.25;
    rows.set([position, 2 * position, -position], i * d);
  }
  const features = { n, d, rows };
  const queries = [0, 5, 13, 39];

  it('matches a brute-force search, never returning the query itself', () => {
    const found = nearestNeighbours(features, queries, 4);
    queries.forEach((q, t) => {
      expect(Array.from(found.subarray(t * 4, t * 4 + 4))).toEqual(bruteForce(rows, d, q, 4));
    });
  });

  it('skips excluded rows', () => {
    const exclude = new Uint8Array(n);
    for (let i = 0; i < n; i += 2) exclude[i] = 1;
    const found = nearestNeighbours(features, queries, 3, exclude);
    queries.forEach((q, t) => {
      const got = Array.from(found.subarray(t * 3, t * 3 + 3));
      expect(got).toEqual(bruteForce(rows, d, q, 3, exclude));
      expect(got.every((i) => i % 2 === 1)).toBe(true);
    });
  });
});

describe('labelDisagreement', () => {
  it('is the share of neighbours with another label (hand-computed)', () => {
    const labels = [0, 0, 1, 1];
    const neighbours = Int32Array.from([1, 2, 3, /* query 2: */ 3, 0, 1]);
    expect(Array.from(labelDisagreement(neighbours, [0, 2], labels, 3))).toEqual([2 / 3, 2 / 3]);
  });
});

describe('inputFeatures', () => {
  it('average-pools an image wider than maxSide (hand-computed)', () => {
    const images = Float32Array.from({ length: 16 }, (_, i) => i); // one 4x4x1 image
    const { n, d, rows } = inputFeatures(images, [1, 4, 4, 1], 2);
    expect([n, d]).toEqual([1, 4]);
    expect(Array.from(rows)).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('scales uint8 images to [0, 1]', () => {
    const { rows } = inputFeatures(Uint8Array.from([0, 255, 51, 102]), [1, 2, 2, 1], 2);
    expect(Array.from(rows).map((v) => Math.round(v * 100) / 100)).toEqual([0, 1, 0.2, 0.4]);
  });
});

describe('reduceFeatures', () => {
  it('keeps every distance of points that lie in a 3-dimensional affine subspace of 10', () => {
    // Row i = offset + a_i u + b_i v + c_i w for three fixed directions in R^10.
    const n = 60;
    const d = 10;
    const directions = [0, 1, 2].map((t) =>
      Array.from({ length: d }, (_, j) => Math.sin((t + 1) * (j + 1))),
    );
    const rows = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const weights = [Math.cos(i), ((i * 7) % 13) / 13, ((i * 5) % 11) / 11 - 0.5];
      for (let j = 0; j < d; j++) {
        rows[i * d + j] = 0.3 + weights.reduce((sum, w, t) => sum + w * directions[t]![j]!, 0);
      }
    }
    const features = { n, d, rows };
    const reduced = reduceFeatures(features, 3, 20);
    expect([reduced.n, reduced.d]).toEqual([n, 3]);
    const distance = (f: { d: number; rows: Float32Array }, a: number, b: number) => {
      let sum = 0;
      for (let j = 0; j < f.d; j++) sum += (f.rows[a * f.d + j]! - f.rows[b * f.d + j]!) ** 2;
      return sum;
    };
    for (const [a, b] of [
      [0, 1],
      [3, 40],
      [17, 59],
      [25, 26],
    ] as const) {
      expect(distance(reduced, a, b)).toBeCloseTo(distance(features, a, b), 3);
    }
  });

  it('returns features with at most `components` values as they are', () => {
    const features = { n: 2, d: 3, rows: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    expect(reduceFeatures(features, 3)).toBe(features);
  });
});

describe('neighbourWitness', () => {
  // One-pixel images on a line: 0s at 0-0.05, 1s at 0.50-0.56, and two images at 0.07 and
  // 0.08 that look like 0s but carry label 1 (poisoned). Neighbours by |a - b|, k = 2.
  const values = [0, 0.02, 0.04, 0.05, 0.5, 0.51, 0.53, 0.56, 0.07, 0.08];
  const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  const dataset = {
    images: Float32Array.from(values),
    shape: [10, 1, 1, 1] as [number, number, number, number],
    labels,
    numClasses: 2,
  };
  const witness = neighbourWitness(dataset, 2);

  it('gives each sample the share of its neighbours with another label (hand-computed)', () => {
    // 0.05: 0.04 (label 0), 0.07 (1) -> 1/2; 0.07: 0.08 (1), 0.05 (0) -> 1/2; 0.08: 0.07, 0.05 -> 1/2.
    expect(Array.from(witness.disagreement)).toEqual([0, 0, 0, 0.5, 0, 0, 0, 0, 0.5, 0.5]);
  });

  it('asks the members of a set about their neighbours outside the set (hand-computed)', () => {
    const set = Int32Array.from([8, 9, 4]);
    // Outside the set: 0.07 and 0.08 have 0.05 and 0.04 (0s) -> 1; 0.50 has 0.51, 0.53 -> 0.
    expect(Array.from(witness.memberDisagreement!(set, Int32Array.from([8, 9, 4])))).toEqual([
      1, 1, 0,
    ]);
    // Rows outside the set, asked: 0.08 beside the set {0.07} has 0.05 and 0.04 -> 1 (with
    // 0.07 counted, its share was 1/2); 0.04 has 0.05 and 0.02 -> 0.
    const beside = witness.memberDisagreement!(Int32Array.from([8]), Int32Array.from([9, 2]));
    expect(Array.from(beside)).toEqual([1, 0]);
    // The group's share is the mean over its members.
    expect(witness.groupDisagreement(Int32Array.from([8, 9]))).toBe(1);
  });
});
