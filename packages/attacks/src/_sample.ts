import type { Random } from '@none/stats';

/**
 * `count` distinct values of `pool` drawn with {@link Random.sample} (a partial Fisher-Yates
 * shuffle), returned sorted ascending. `pool` is not modified.
 */
export function sampleSorted(pool: Int32Array, count: number, random: Random): Int32Array {
  const picked = random.sample(pool.length, count);
  for (let i = 0; i < count; i++) picked[i] = pool[picked[i]!]!;
  return picked.sort();
}
