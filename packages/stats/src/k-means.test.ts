import { describe, expect, it } from 'vitest';
import { kMeans } from './k-means';
import { createRandom } from './random';

function blobs(seed: number): Float64Array {
  const random = createRandom(seed);
  const points = new Float64Array(300 * 3);
  for (let i = 0; i < 300; i++) {
    const centre = (i % 3) * 10;
    for (let j = 0; j < 3; j++) points[i * 3 + j] = (j === 0 ? centre : 0) + random.normal();
  }
  return points;
}

describe('kMeans', () => {
  it('splits two obvious groups', () => {
    const points = Float64Array.from([0, 0, 0, 1, 10, 10, 10, 11]);
    const { assignments, sizes, inertia } = kMeans(points, 4, 2, { k: 2, seed: 0 });
    expect(assignments[0]).toBe(assignments[1]);
    expect(assignments[2]).toBe(assignments[3]);
    expect(assignments[0]).not.toBe(assignments[2]);
    expect(Array.from(sizes)).toEqual([2, 2]);
    expect(inertia).toBeCloseTo(1, 12);
  });

  it('is deterministic for a seed', () => {
    const points = blobs(3);
    const a = kMeans(points, 300, 3, { k: 4, seed: 11, restarts: 3 });
    const b = kMeans(points, 300, 3, { k: 4, seed: 11, restarts: 3 });
    expect(a).toEqual(b);
  });

  it('finds three well-separated blobs whatever the seed', () => {
    const points = blobs(4);
    for (const seed of [0, 1, 2]) {
      const { assignments } = kMeans(points, 300, 3, { k: 3, seed });
      for (let i = 3; i < 300; i++) expect(assignments[i]).toBe(assignments[i % 3]);
    }
  });

  it('names the argument in its errors', () => {
    expect(() => kMeans([0, 1], 2, 1, { k: 3, seed: 0 })).toThrow(
      /k must be an integer in \[1, rows = 2\], got 3/,
    );
    expect(() => kMeans([0, 1], 2, 1, { k: 1, seed: 0, restarts: 0 })).toThrow(
      /restarts must be a positive integer, got 0/,
    );
  });
});
