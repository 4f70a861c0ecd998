import type { RandomOptions } from '@none/stats';
import { resolveRandom } from './_resolve-random';
import { DataError } from './errors';
import type { ImageArray, ImageDataset, ImageShape } from './image-dataset';

/** Options of {@link datasetBatches}. */
export interface DatasetBatchesOptions extends RandomOptions {
  /** Samples per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /**
   * Visit the samples in a seeded random order (needs `seed` or `random`).
   * @default false
   */
  shuffle?: boolean;
  /**
   * Skip the last batch when it has fewer than `batchSize` samples.
   * @default false
   */
  dropLast?: boolean;
}

/** One batch yielded by {@link datasetBatches}. */
export interface DatasetBatch {
  /** NHWC images of the batch, same storage type as the dataset. */
  images: ImageArray;
  /** `[batchLength, height, width, channels]`. */
  shape: ImageShape;
  labels: Int32Array;
  /** Index in the dataset of each sample of the batch. */
  indices: Int32Array;
  /** 0-based position of this batch in the epoch. */
  batchIndex: number;
  /** Number of batches in the epoch. */
  batchCount: number;
}

/**
 * Iterates over a dataset in batches, for one epoch. In order, `images` and `labels` are
 * views into the dataset (no copy: do not write to them); shuffled, they are fresh copies.
 *
 * @example
 * ```ts
 * for (const batch of datasetBatches(train, { batchSize: 64, shuffle: true, seed: epoch })) {
 *   // batch.images: Float32Array of 64 * 28 * 28 * 1 values, batch.labels: Int32Array(64)
 * }
 * ```
 * @throws DataError `E_INVALID_ARGUMENT` for a `batchSize` that is not a positive integer, or
 * `shuffle` without `seed`/`random`
 */
export function datasetBatches(
  dataset: ImageDataset,
  options: DatasetBatchesOptions,
): Generator<DatasetBatch, void, undefined> {
  const { batchSize, shuffle = false, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `datasetBatches: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  // Drawn now, so that a missing seed fails here and not at the first iteration.
  const order = shuffle
    ? resolveRandom(options, 'datasetBatches').permutation(dataset.shape[0])
    : undefined;
  return generateBatches(dataset, batchSize, dropLast, order);
}

function* generateBatches(
  dataset: ImageDataset,
  batchSize: number,
  dropLast: boolean,
  order: Int32Array | undefined,
): Generator<DatasetBatch, void, undefined> {
  const [n, height, width, channels] = dataset.shape;
  const size = height * width * channels;
  const batchCount = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  for (let batchIndex = 0; batchIndex < batchCount; batchIndex++) {
    const start = batchIndex * batchSize;
    const end = Math.min(n, start + batchSize);
    const length = end - start;
    const shape: ImageShape = [length, height, width, channels];
    if (order === undefined) {
      const indices = new Int32Array(length);
      for (let i = 0; i < length; i++) indices[i] = start + i;
      yield {
        images: dataset.images.subarray(start * size, end * size),
        shape,
        labels: dataset.labels.subarray(start, end),
        indices,
        batchIndex,
        batchCount,
      };
      continue;
    }
    const indices = order.slice(start, end);
    const source = dataset.images;
    const images =
      source instanceof Float32Array
        ? new Float32Array(length * size)
        : new Uint8Array(length * size);
    const labels = new Int32Array(length);
    for (let i = 0; i < length; i++) {
      const index = indices[i]!;
      images.set(source.subarray(index * size, (index + 1) * size), i * size);
      labels[i] = dataset.labels[index]!;
    }
    yield { images, shape, labels, indices, batchIndex, batchCount };
  }
}
