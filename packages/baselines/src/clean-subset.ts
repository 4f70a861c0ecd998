import { createRandom } from '@none/stats';
import { keptIndices } from '@none/trainer';

/**
 * NAD's defender data: `fraction` of the training set, drawn (seeded) from the samples that
 * are not poisoned — the clean data NAD's threat model grants the defender.
 */
export function cleanSubset(
  n: number,
  poisonedIndices: ArrayLike<number> | undefined,
  fraction: number,
  seed: number,
): Int32Array {
  const poisonedSet = new Set(Array.from(poisonedIndices ?? []));
  const clean = keptIndices(n, poisonedSet);
  const random = createRandom(seed ^ 0x6e6164);
  for (let i = clean.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [clean[i], clean[j]] = [clean[j]!, clean[i]!];
  }
  const count = Math.max(1, Math.round(fraction * n));
  return clean.slice(0, count).sort();
}
