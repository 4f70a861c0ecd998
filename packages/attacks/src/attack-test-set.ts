import { createRandom, deriveSeed } from '@none/stats';
import { transformImages } from './_image';
import { assertSeed, datasetDims } from './_validate';
import { type AttackConfig, compileAttack, resolveAttackConfig } from './attack-config';
import { labelMapper } from './label-map';
import type { ImageArray, ImageDataset } from './types';

/** Options of {@link attackTestSet}. */
export interface AttackTestSetOptions {
  /** Seed of per-sample randomness (the dynamic patch's position). @default 0 */
  seed?: number;
}

/** Result of {@link attackTestSet}. */
export interface AttackTestSetResult<T extends ImageArray = ImageArray> {
  /** Triggered images labelled with the attack's target labels: ASR = accuracy on it. */
  dataset: ImageDataset<T>;
  /** Index in the test set of each sample, ascending. */
  sourceIndices: Int32Array;
  /** The original label of each sample. */
  sourceLabels: Int32Array;
}

/**
 * The triggered test set for ASR (§5.1, §8.6): every test sample gets the trigger and the
 * label the attack wants (all-to-one and clean-label: `target`; label-specific:
 * `(y + 1) mod K`). All-to-one (and clean-label) attacks exclude the samples already of
 * class `target`. WaNet gets its warp without noise. The input is never modified.
 *
 * @example
 * ```ts
 * const { dataset, sourceIndices } = attackTestSet(test, { type: 'badnets', target: 0 });
 * // ASR = fraction of dataset.images a model classifies as dataset.labels
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a target outside [0, K).
 */
export function attackTestSet<T extends ImageArray>(
  testDataset: ImageDataset<T>,
  attack: AttackConfig,
  options: AttackTestSetOptions = {},
): AttackTestSetResult<T> {
  const fn = 'attackTestSet';
  const dims = datasetDims(fn, testDataset, 'testDataset');
  const { seed = 0 } = options;
  assertSeed(fn, 'seed', seed);
  const resolved = resolveAttackConfig(attack);
  const { labels, numClasses } = testDataset;
  const mapLabel = labelMapper(fn, resolved, numClasses);
  const compiled = compileAttack(fn, resolved, dims);
  const keep: number[] = [];
  for (let i = 0; i < dims.n; i++) {
    if (resolved.labelMode === 'label-specific' || labels[i] !== resolved.target) keep.push(i);
  }
  const sourceIndices = Int32Array.from(keep);
  const m = sourceIndices.length;
  const { imageSize } = dims;
  const images = (
    testDataset.images instanceof Uint8Array
      ? new Uint8Array(m * imageSize)
      : new Float32Array(m * imageSize)
  ) as T;
  const sourceLabels = new Int32Array(m);
  const targetLabels = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = sourceIndices[k]!;
    images.set(testDataset.images.subarray(i * imageSize, (i + 1) * imageSize), k * imageSize);
    sourceLabels[k] = labels[i]!;
    targetLabels[k] = mapLabel(labels[i]!);
  }
  const local = Int32Array.from({ length: m }, (_, k) => k);
  transformImages(images, { ...dims, n: m }, local, compiled.trigger, (k) =>
    createRandom(deriveSeed(seed, 'trigger-sample', sourceIndices[k]!)),
  );
  return {
    dataset: {
      images,
      shape: [m, dims.height, dims.width, dims.channels],
      labels: targetLabels,
      numClasses,
      ...(testDataset.classNames ? { classNames: [...testDataset.classNames] } : {}),
    },
    sourceIndices,
    sourceLabels,
  };
}
