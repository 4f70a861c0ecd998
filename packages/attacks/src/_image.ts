import { createRandom, type Random } from '@none/stats';
import type { BatchDims } from './_validate';
import type { ImageArray } from './types';

/**
 * A trigger working on one image at a time, in floating point, HWC, values in [0, 1].
 * `random` is the image's own seeded generator (used by dynamic patches and WaNet noise).
 */
export type ImageTransform = (input: Float64Array, output: Float64Array, random: Random) => void;

/** Reads image `index` of `source` into `out`, scaled to [0, 1]. */
export function readImage(source: ImageArray, index: number, out: Float64Array): void {
  const size = out.length;
  const offset = index * size;
  if (source instanceof Uint8Array) {
    for (let i = 0; i < size; i++) out[i] = source[offset + i]! / 255;
  } else {
    for (let i = 0; i < size; i++) out[i] = source[offset + i]!;
  }
}

/**
 * Writes `values` (in [0, 1]) as image `index` of `target`. Uint8 targets get
 * `round(clamp(v, 0, 1) * 255)`; Float32 targets get `v` as is (each trigger clips
 * where its formula can leave [0, 1]).
 */
export function writeImage(target: ImageArray, index: number, values: Float64Array): void {
  const size = values.length;
  const offset = index * size;
  if (target instanceof Uint8Array) {
    for (let i = 0; i < size; i++) {
      const v = values[i]!;
      target[offset + i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    }
  } else {
    for (let i = 0; i < size; i++) target[offset + i] = values[i]!;
  }
}

/**
 * Applies `transform` in place to the images of `target` at `indices`, `randomFor(i)`
 * giving the generator of image `i` (by default one shared generator, which deterministic
 * triggers never draw from).
 */
export function transformImages(
  target: ImageArray,
  dims: BatchDims,
  indices: ArrayLike<number>,
  transform: ImageTransform,
  randomFor?: (index: number) => Random,
): void {
  let unused: Random | undefined;
  const generatorOf = randomFor ?? (() => (unused ??= createRandom(0)));
  const input = new Float64Array(dims.imageSize);
  const output = new Float64Array(dims.imageSize);
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!;
    readImage(target, index, input);
    transform(input, output, generatorOf(index));
    writeImage(target, index, output);
  }
}

/** `[0, 1, ..., n - 1]`. */
export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** `'float32'` or `'uint8'`. */
export function dtypeOf(images: ImageArray): 'float32' | 'uint8' {
  return images instanceof Uint8Array ? 'uint8' : 'float32';
}

/**
 * A new batch with `transform` applied to every image; `randomFor(i)` gives the generator
 * of image `i` (see {@link transformImages} for the default).
 */
export function mapBatch<T extends ImageArray>(
  batch: { images: T; shape: readonly number[] },
  dims: BatchDims,
  transform: ImageTransform,
  randomFor?: (index: number) => Random,
): { images: T; shape: number[] } {
  const images = batch.images.slice() as T;
  transformImages(images, dims, range(dims.n), transform, randomFor);
  return { images, shape: [...batch.shape] };
}
