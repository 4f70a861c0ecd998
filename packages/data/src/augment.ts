import type { RandomOptions } from '@none/stats';
import { resolveRandom } from './_resolve-random';
import { AUGMENT_DEFAULTS } from './defaults';
import { DataError } from './errors';
import type { ImageArray, ImageShape } from './image-dataset';

/** Options of {@link augmentBatch}. Either `seed` or `random` is required. */
export interface AugmentBatchOptions extends RandomOptions {
  /**
   * Zero padding added on each side before cropping back to the original size; 0 disables
   * the crop.
   * @default 4
   */
  padding?: number;
  /**
   * Flip images horizontally at random.
   * @default true
   */
  flip?: boolean;
  /**
   * Probability of flipping each image, when `flip` is on.
   * @default 0.5
   */
  flipProbability?: number;
}

/** Options of {@link randomCrop}. Either `seed` or `random` is required. */
export interface RandomCropOptions extends RandomOptions {
  /** Zero padding added on each side before cropping back to the original size. */
  padding: number;
}

/** Options of {@link randomHorizontalFlip}. Either `seed` or `random` is required. */
export interface RandomHorizontalFlipOptions extends RandomOptions {
  /**
   * Probability of flipping each image.
   * @default 0.5
   */
  probability?: number;
}

function checkBatch(images: ImageArray, shape: ImageShape, caller: string): void {
  const [n, height, width, channels] = shape;
  if (images.length !== n * height * width * channels) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: images has ${images.length} values, shape [${shape.join(', ')}] needs ${n * height * width * channels}`,
    );
  }
}

function checkPadding(padding: number, caller: string): void {
  if (!Number.isInteger(padding) || padding < 0) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: padding must be a non-negative integer, got ${padding}`,
    );
  }
}

function checkProbability(probability: number, caller: string): void {
  if (!(probability >= 0 && probability <= 1)) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: flip probability must be in [0, 1], got ${probability}`,
    );
  }
}

/**
 * Writes image `i` of `source` into `target`, shifted by (offsetY, offsetX) with zeros
 * outside the source (a crop of the zero-padded image) and optionally mirrored.
 */
function transformImage(
  source: ImageArray,
  target: ImageArray,
  shape: ImageShape,
  i: number,
  offsetY: number,
  offsetX: number,
  flip: boolean,
): void {
  const [, height, width, channels] = shape;
  const base = i * height * width * channels;
  for (let y = 0; y < height; y++) {
    const sourceY = y + offsetY;
    const rowOut = base + y * width * channels;
    if (sourceY < 0 || sourceY >= height) continue; // the new array is already zero
    const rowIn = base + sourceY * width * channels;
    for (let x = 0; x < width; x++) {
      const sourceX = (flip ? width - 1 - x : x) + offsetX;
      if (sourceX < 0 || sourceX >= width) continue;
      const from = rowIn + sourceX * channels;
      const to = rowOut + x * channels;
      for (let c = 0; c < channels; c++) target[to + c] = source[from + c]!;
    }
  }
}

function emptyLike(images: ImageArray): ImageArray {
  return images instanceof Float32Array
    ? new Float32Array(images.length)
    : new Uint8Array(images.length);
}

/**
 * Mirrors every image of an NHWC batch left-right (a new array; applying it twice gives the
 * input back).
 */
export function flipHorizontal(images: ImageArray, shape: ImageShape): ImageArray {
  checkBatch(images, shape, 'flipHorizontal');
  const output = emptyLike(images);
  for (let i = 0; i < shape[0]; i++) transformImage(images, output, shape, i, 0, 0, true);
  return output;
}

/**
 * Random crop with zero padding: each image is padded with `padding` zero pixels on every
 * side and a window of the original size is cut at a uniform random position. Draws, per
 * image, the row offset then the column offset, each `int(2 * padding + 1)`; `padding: 0`
 * draws nothing and returns a copy.
 *
 * @returns a new array of the same type and shape
 */
export function randomCrop(
  images: ImageArray,
  shape: ImageShape,
  options: RandomCropOptions,
): ImageArray {
  checkBatch(images, shape, 'randomCrop');
  checkPadding(options.padding, 'randomCrop');
  const random = resolveRandom(options, 'randomCrop');
  const { padding } = options;
  const output = emptyLike(images);
  for (let i = 0; i < shape[0]; i++) {
    const offsetY = padding > 0 ? random.int(2 * padding + 1) - padding : 0;
    const offsetX = padding > 0 ? random.int(2 * padding + 1) - padding : 0;
    transformImage(images, output, shape, i, offsetY, offsetX, false);
  }
  return output;
}

/**
 * Mirrors each image left-right with probability `probability` (one draw per image).
 * @returns a new array of the same type and shape
 */
export function randomHorizontalFlip(
  images: ImageArray,
  shape: ImageShape,
  options: RandomHorizontalFlipOptions,
): ImageArray {
  checkBatch(images, shape, 'randomHorizontalFlip');
  const { probability = 0.5 } = options;
  checkProbability(probability, 'randomHorizontalFlip');
  const random = resolveRandom(options, 'randomHorizontalFlip');
  const output = emptyLike(images);
  for (let i = 0; i < shape[0]; i++) {
    transformImage(images, output, shape, i, 0, 0, random.next() < probability);
  }
  return output;
}

/**
 * The training-time augmentation of the paper (standard for CIFAR-10 and GTSRB): random crop
 * with zero padding, then a random horizontal flip, in one pass over an NHWC batch.
 * Deterministic for a seed: per image it draws the row offset and the column offset (when
 * `padding > 0`) and then one flip draw (when `flip`).
 *
 * @example
 * ```ts
 * const augmented = augmentBatch(batch.images, batch.shape, { padding: 4, seed: step });
 * ```
 * @returns a new array of the same type and shape; the input is not modified
 * @throws DataError `E_INVALID_ARGUMENT` for a size/shape mismatch, a bad padding or
 * probability, or neither `seed` nor `random`
 */
export function augmentBatch(
  images: ImageArray,
  shape: ImageShape,
  options: AugmentBatchOptions,
): ImageArray {
  checkBatch(images, shape, 'augmentBatch');
  const {
    padding = AUGMENT_DEFAULTS.padding,
    flip = AUGMENT_DEFAULTS.flip,
    flipProbability = AUGMENT_DEFAULTS.flipProbability,
  } = options;
  checkPadding(padding, 'augmentBatch');
  checkProbability(flipProbability, 'augmentBatch');
  const random = resolveRandom(options, 'augmentBatch');
  const output = emptyLike(images);
  for (let i = 0; i < shape[0]; i++) {
    const offsetY = padding > 0 ? random.int(2 * padding + 1) - padding : 0;
    const offsetX = padding > 0 ? random.int(2 * padding + 1) - padding : 0;
    const mirrored = flip ? random.next() < flipProbability : false;
    transformImage(images, output, shape, i, offsetY, offsetX, mirrored);
  }
  return output;
}
