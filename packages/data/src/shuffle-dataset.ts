import type { RandomOptions } from '@none/stats';
import { resolveRandom } from './_resolve-random';
import type { ImageDataset } from './image-dataset';
import { subsetDataset } from './subset-dataset';

/**
 * The dataset in a seeded random order (a copy). Equivalent to
 * `subsetDataset(dataset, createRandom(seed).permutation(n))`, which also gives the order.
 *
 * @example
 * ```ts
 * const shuffled = shuffleDataset(train, { seed: 1 }); // same order for every run with seed 1
 * ```
 * @throws DataError `E_INVALID_ARGUMENT` if neither `seed` nor `random` is given
 */
export function shuffleDataset(dataset: ImageDataset, options: RandomOptions): ImageDataset {
  const random = resolveRandom(options, 'shuffleDataset');
  return subsetDataset(dataset, random.permutation(dataset.shape[0]));
}
