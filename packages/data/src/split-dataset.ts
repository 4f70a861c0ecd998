import { createRandom, type RandomOptions } from '@none/stats';
import { checkLabels } from './_validate';
import { DataError } from './errors';
import type { DatasetSplit, ImageDataset } from './image-dataset';
import { subsetDataset } from './subset-dataset';

/** Options of {@link splitDataset}. */
export interface SplitDatasetOptions extends RandomOptions {
  /** Fraction of the samples (of each class, when stratified) that go to `test`, in [0, 1]. */
  testFraction: number;
  /**
   * Split each class separately, so both parts keep the class proportions.
   * @default true
   */
  stratify?: boolean;
}

/** What {@link splitDataset} returns: the two parts and the original indices of each. */
export interface SplitDatasetResult extends DatasetSplit {
  /** Original indices of the `train` samples, ascending. */
  trainIndices: Int32Array;
  /** Original indices of the `test` samples, ascending. */
  testIndices: Int32Array;
}

/**
 * Splits a dataset in two. In each class (or in the whole set with `stratify: false`),
 * `round(count * (1 - testFraction))` samples go to `train` and the rest to `test`.
 * Without `seed` or `random` the first samples (in dataset order) are the training ones;
 * with them, a seeded random selection is. Both parts keep the original order.
 *
 * @example
 * ```ts
 * const { train, test } = splitDataset(dataset, { testFraction: 0.2, seed: 0 });
 * ```
 * @throws DataError `E_INVALID_ARGUMENT` if `testFraction` is not in [0, 1], `E_LABEL_RANGE`
 * (stratified) for a label outside [0, numClasses)
 */
export function splitDataset(
  dataset: ImageDataset,
  options: SplitDatasetOptions,
): SplitDatasetResult {
  const { testFraction, stratify = true } = options;
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `splitDataset: testFraction must be in [0, 1], got ${testFraction}`,
    );
  }
  const random =
    options.random ?? (options.seed === undefined ? undefined : createRandom(options.seed));
  const n = dataset.shape[0];
  const groups: number[][] = [];
  if (stratify) {
    checkLabels(dataset.labels, dataset.numClasses, 'splitDataset');
    for (let k = 0; k < dataset.numClasses; k++) groups.push([]);
    for (let i = 0; i < n; i++) groups[dataset.labels[i]!]!.push(i);
  } else {
    groups.push(Array.from({ length: n }, (_, i) => i));
  }
  const isTrain = new Uint8Array(n);
  let trainCount = 0;
  for (const group of groups) {
    if (random !== undefined) random.shuffle(group);
    const take = Math.round(group.length * (1 - testFraction));
    for (let j = 0; j < take; j++) isTrain[group[j]!] = 1;
    trainCount += take;
  }
  const trainIndices = new Int32Array(trainCount);
  const testIndices = new Int32Array(n - trainCount);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (isTrain[i] === 1) trainIndices[a++] = i;
    else testIndices[b++] = i;
  }
  return {
    train: subsetDataset(dataset, trainIndices),
    test: subsetDataset(dataset, testIndices),
    trainIndices,
    testIndices,
  };
}
