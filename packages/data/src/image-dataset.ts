import { checkImageDataset, checkLabels } from './_validate';

/** `[n, height, width, channels]`: the NHWC shape of a batch of images (tfjs channels-last). */
export type ImageShape = [n: number, height: number, width: number, channels: number];

/** Storage type of loaded images: float32 in [0, 1] (the default) or uint8 in [0, 255]. */
export type ImageDtype = 'float32' | 'uint8';

/** Pixel storage of an {@link ImageDataset}: float32 in [0, 1], or uint8 in [0, 255]. */
export type ImageArray = Float32Array | Uint8Array;

/**
 * A labelled set of images, the data contract between the NONE packages.
 *
 * - `images` holds `n * height * width * channels` values in NHWC order: the value of
 *   channel `c` of pixel `(y, x)` of image `i` is at `((i * height + y) * width + x) * channels + c`.
 *   A `Float32Array` holds values in [0, 1] (coordinates, for the 2-D blobs); a `Uint8Array`
 *   holds values in [0, 255] (see {@link toFloat32}).
 * - `labels[i]` is the class of image `i`, an integer in `[0, numClasses)`.
 * - `classNames[k]`, when present, names class `k` (`classNames.length === numClasses`).
 *
 * Functions of this package never mutate a dataset they are given; they return new ones.
 */
export interface ImageDataset {
  images: ImageArray;
  shape: ImageShape;
  labels: Int32Array;
  numClasses: number;
  classNames?: string[];
}

/** A train/test pair, as returned by the loaders and {@link splitDataset}. */
export interface DatasetSplit {
  train: ImageDataset;
  test: ImageDataset;
}

/**
 * Checks the invariants of an {@link ImageDataset} (sizes agree, labels in range) and
 * returns it unchanged. Use it on datasets built by hand.
 *
 * @example
 * ```ts
 * const tiny = createImageDataset({
 *   images: new Uint8Array(2 * 2 * 2 * 1), shape: [2, 2, 2, 1],
 *   labels: Int32Array.of(0, 1), numClasses: 2,
 * });
 * ```
 * @throws DataError `E_INVALID_ARGUMENT` for a bad shape or size, `E_LABEL_RANGE` for a bad label
 */
export function createImageDataset(dataset: ImageDataset): ImageDataset {
  checkImageDataset(dataset, 'createImageDataset');
  return dataset;
}

/**
 * The dataset with `Float32Array` images in [0, 1]: uint8 values are divided by 255. A dataset
 * that already holds float32 images is returned as is (not copied).
 *
 * @example
 * ```ts
 * toFloat32(dataset).images; // Float32Array, 255 -> 1
 * ```
 */
export function toFloat32(dataset: ImageDataset): ImageDataset {
  if (dataset.images instanceof Float32Array) return dataset;
  const source = dataset.images;
  const images = new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) images[i] = source[i]! / 255;
  return { ...dataset, images, shape: [...dataset.shape] };
}

/**
 * The dataset with `Uint8Array` images in [0, 255]: float values are clamped to [0, 1],
 * multiplied by 255 and rounded to the nearest integer (NaN becomes 0). A uint8 dataset is
 * returned as is. `toUint8(toFloat32(d))` restores `d` exactly.
 */
export function toUint8(dataset: ImageDataset): ImageDataset {
  if (dataset.images instanceof Uint8Array) return dataset;
  const source = dataset.images;
  const images = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const value = source[i]!;
    images[i] = value > 1 ? 255 : value > 0 ? Math.round(value * 255) : 0;
  }
  return { ...dataset, images, shape: [...dataset.shape] };
}

/** How many samples each class has: `counts[k]` for k in [0, numClasses). */
export function classCounts(dataset: ImageDataset): Int32Array {
  const counts = new Int32Array(dataset.numClasses);
  const { labels } = dataset;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label >= 0 && label < counts.length) counts[label] = counts[label]! + 1;
  }
  return counts;
}

/**
 * One-hot encoding of `labels`: a `Float32Array` of shape [labels.length, numClasses].
 * @throws DataError `E_LABEL_RANGE` for a label outside [0, numClasses)
 */
export function oneHot(labels: Int32Array, numClasses: number): Float32Array {
  checkLabels(labels, numClasses, 'oneHot');
  const encoded = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) encoded[i * numClasses + labels[i]!] = 1;
  return encoded;
}
