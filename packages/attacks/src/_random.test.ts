import { describe, expect, it } from 'vitest';
import { hashSeed, mulberry32, sampleWithoutReplacement, streamRandom } from './_random';

describe('seeded randomness', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 1000; i++) {
      const v = a();
      expect(v).toBe(b());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });

  it('streams differ by seed, stream and index', () => {
    const seeds = new Set([
      hashSeed(1, 1, 0),
      hashSeed(1, 2, 0),
      hashSeed(1, 1, 1),
      hashSeed(2, 1, 0),
    ]);
    expect(seeds.size).toBe(4);
    expect(streamRandom(3, 1, 5)()).toBe(streamRandom(3, 1, 5)());
  });

  it('samples distinct values, sorted, without touching the pool', () => {
    const pool = Int32Array.from({ length: 50 }, (_, i) => i * 2);
    const copy = pool.slice();
    const picked = sampleWithoutReplacement(pool, 20, mulberry32(1));
    expect(pool).toEqual(copy);
    expect(new Set(picked).size).toBe(20);
    expect(Array.from(picked)).toEqual([...picked].sort((x, y) => x - y));
    for (const v of picked) expect(v % 2).toBe(0);
    expect(sampleWithoutReplacement(pool, 50, mulberry32(2))).toEqual(pool);
  });
});
