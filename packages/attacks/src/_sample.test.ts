import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { sampleSorted } from './_sample';

describe('sampleSorted', () => {
  it('samples distinct values, sorted, without touching the pool', () => {
    const pool = Int32Array.from({ length: 50 }, (_, i) => i * 2);
    const copy = pool.slice();
    const picked = sampleSorted(pool, 20, createRandom(1));
    expect(pool).toEqual(copy);
    expect(new Set(picked).size).toBe(20);
    expect(Array.from(picked)).toEqual([...picked].sort((x, y) => x - y));
    for (const v of picked) expect(v % 2).toBe(0);
    expect(sampleSorted(pool, 50, createRandom(2))).toEqual(pool);
  });

  it('is deterministic in the generator and draws every value about equally often', () => {
    const pool = Int32Array.from({ length: 10 }, (_, i) => 100 + i);
    expect(sampleSorted(pool, 4, createRandom(7))).toEqual(sampleSorted(pool, 4, createRandom(7)));
    const random = createRandom(3);
    const counts = new Array<number>(10).fill(0);
    for (let trial = 0; trial < 5000; trial++) {
      for (const v of sampleSorted(pool, 3, random)) counts[v - 100]!++;
    }
    // Each value is picked with probability 3/10: 1500 times on average, sd about 32.
    for (const count of counts) expect(Math.abs(count - 1500)).toBeLessThan(200);
  });
});
