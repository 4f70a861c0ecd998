import { createRandom, deriveSeed, type Random } from '@none/stats';
import { mapBatch } from '../_image';
import { assertInteger, assertNumber, assertSeed, batchDims } from '../_validate';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';

/** Options of the WaNet warping trigger (Nguyen and Tran). */
export interface WanetTriggerOptions {
  /** Side k of the random control grid. @default 4 */
  k?: number;
  /** Warping strength s; the field is scaled by `s / H`. 0 gives the identity. @default 0.5 */
  strength?: number;
  /** Factor applied to the warped grid before clamping (WaNet's `grid_rescale`). @default 1 */
  gridRescale?: number;
  /** Seed of the control grid: the warp is fixed per attack, not per sample. @default 0 */
  patternSeed?: number;
}

/**
 * Defaults of the WaNet attack: {@link WanetTriggerOptions} plus `crossRatio`, the number
 * of noise-mode samples per poisoned sample (2 in the paper; 0 turns noise mode off).
 */
export const WANET_DEFAULTS = {
  k: 4,
  strength: 0.5,
  gridRescale: 1,
  patternSeed: 0,
  crossRatio: 2,
} as const satisfies Required<WanetTriggerOptions> & { crossRatio: number };

/**
 * A sampling grid: for every output pixel, the normalised `(x, y)` in [-1, 1] it is read
 * from (x along the width, y along the height; -1 and 1 are the centres of the edge pixels,
 * PyTorch's `align_corners=True`).
 */
export interface WarpGrid {
  height: number;
  width: number;
  /** `height * width * 2` values: x then y for each pixel, row-major. */
  grid: Float32Array;
}

/** PyTorch's cubic convolution kernel (A = -0.75). */
function cubicWeights(t: number, out: Float64Array) {
  const A = -0.75;
  const c1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const c2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  out[0] = c2(t + 1);
  out[1] = c1(t);
  out[2] = c1(1 - t);
  out[3] = c2(2 - t);
}

/**
 * Bicubic upsampling of a `k x k` map to `height x width` as PyTorch's
 * `F.interpolate(mode='bicubic', align_corners=True)`: source coordinate
 * `dst * (k - 1) / (out - 1)`, neighbours clamped at the border.
 */
export function upsampleBicubic(
  values: Float64Array,
  k: number,
  height: number,
  width: number,
): Float64Array {
  const out = new Float64Array(height * width);
  const wr = new Float64Array(4);
  const wc = new Float64Array(4);
  const clampIndex = (i: number) => Math.min(k - 1, Math.max(0, i));
  const scaleR = height > 1 ? (k - 1) / (height - 1) : 0;
  const scaleC = width > 1 ? (k - 1) / (width - 1) : 0;
  for (let r = 0; r < height; r++) {
    const sr = r * scaleR;
    const r0 = Math.floor(sr);
    cubicWeights(sr - r0, wr);
    for (let c = 0; c < width; c++) {
      const sc = c * scaleC;
      const c0 = Math.floor(sc);
      cubicWeights(sc - c0, wc);
      let sum = 0;
      for (let a = 0; a < 4; a++) {
        const row = clampIndex(r0 - 1 + a) * k;
        let rowSum = 0;
        for (let b = 0; b < 4; b++) rowSum += wc[b]! * values[row + clampIndex(c0 - 1 + b)]!;
        sum += wr[a]! * rowSum;
      }
      out[r * width + c] = sum;
    }
  }
  return out;
}

function identityCoordinate(i: number, n: number): number {
  return n > 1 ? -1 + (2 * i) / (n - 1) : -1;
}

function wanetOptions(fn: string, options: WanetTriggerOptions) {
  const {
    k = WANET_DEFAULTS.k,
    strength = WANET_DEFAULTS.strength,
    gridRescale = WANET_DEFAULTS.gridRescale,
    patternSeed = WANET_DEFAULTS.patternSeed,
  } = options;
  assertInteger(fn, 'k', k, 1, 2 ** 16);
  assertNumber(fn, 'strength', strength, 0, Number.MAX_VALUE);
  assertNumber(fn, 'gridRescale', gridRescale, 0, Number.MAX_VALUE);
  assertSeed(fn, 'patternSeed', patternSeed);
  return { k, strength, gridRescale, patternSeed };
}

/**
 * The WaNet warping grid, as in the authors' code: a `2 x k x k` control grid of uniform
 * noise in [-1, 1] (seeded by `patternSeed`), divided by its mean absolute value,
 * upsampled bicubically to `H x W`, scaled by `s / H` (rows) and `s / W` (columns; the
 * authors use H for both, which is the same on square images), added to the identity
 * grid, multiplied by `gridRescale` and clamped to [-1, 1].
 *
 * @example
 * ```ts
 * const { grid } = createWanetGrid({ height: 28, width: 28, channels: 1 }, { strength: 0 });
 * grid[0]; // -1 (identity: pixel (0, 0) reads itself)
 * ```
 * @see T. A. Nguyen, A. T. Tran, "WaNet - Imperceptible Warping-based Backdoor Attack",
 * ICLR 2021.
 */
export function createWanetGrid(size: ImageSize, options: WanetTriggerOptions = {}): WarpGrid {
  return buildWanetGrid('createWanetGrid', size, options);
}

function buildWanetGrid(fn: string, size: ImageSize, options: WanetTriggerOptions): WarpGrid {
  const { k, strength, gridRescale, patternSeed } = wanetOptions(fn, options);
  assertInteger(fn, 'size.height', size?.height, 1, 2 ** 31 - 1);
  assertInteger(fn, 'size.width', size?.width, 1, 2 ** 31 - 1);
  const { height, width } = size;
  const random = createRandom(deriveSeed(patternSeed, 'trigger-pattern'));
  const control = new Float64Array(2 * k * k);
  let meanAbs = 0;
  for (let i = 0; i < control.length; i++) {
    control[i] = random.next() * 2 - 1;
    meanAbs += Math.abs(control[i]!);
  }
  meanAbs /= control.length;
  for (let i = 0; i < control.length; i++) control[i] = control[i]! / meanAbs;
  const noiseX = upsampleBicubic(control.subarray(0, k * k), k, height, width);
  const noiseY = upsampleBicubic(control.subarray(k * k), k, height, width);
  const grid = new Float32Array(height * width * 2);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const p = r * width + c;
      const x = (identityCoordinate(c, width) + (strength * noiseX[p]!) / width) * gridRescale;
      const y = (identityCoordinate(r, height) + (strength * noiseY[p]!) / height) * gridRescale;
      grid[2 * p] = Math.min(1, Math.max(-1, x));
      grid[2 * p + 1] = Math.min(1, Math.max(-1, y));
    }
  }
  return { height, width, grid };
}

/**
 * Bilinear `grid_sample` (align_corners=True, zero padding) of one HWC image.
 * `gridAt(p, axis)` gives the normalised coordinate of output pixel `p`.
 */
function sample(
  input: Float64Array,
  output: Float64Array,
  size: ImageSize,
  gridAt: (p: number, axis: 0 | 1) => number,
) {
  const { height, width, channels } = size;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const p = r * width + c;
      const ix = ((gridAt(p, 0) + 1) / 2) * (width - 1);
      const iy = ((gridAt(p, 1) + 1) / 2) * (height - 1);
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const wx1 = ix - x0;
      const wy1 = iy - y0;
      const wx0 = 1 - wx1;
      const wy0 = 1 - wy1;
      const base = p * channels;
      for (let k = 0; k < channels; k++) {
        let v = 0;
        if (y0 >= 0 && y0 < height) {
          if (x0 >= 0 && x0 < width) v += wy0 * wx0 * input[(y0 * width + x0) * channels + k]!;
          if (x0 + 1 >= 0 && x0 + 1 < width) {
            v += wy0 * wx1 * input[(y0 * width + x0 + 1) * channels + k]!;
          }
        }
        if (y0 + 1 >= 0 && y0 + 1 < height) {
          if (x0 >= 0 && x0 < width) {
            v += wy1 * wx0 * input[((y0 + 1) * width + x0) * channels + k]!;
          }
          if (x0 + 1 >= 0 && x0 + 1 < width) {
            v += wy1 * wx1 * input[((y0 + 1) * width + x0 + 1) * channels + k]!;
          }
        }
        output[base + k] = v;
      }
    }
  }
}

/** The warp and noise-mode transforms of a WaNet trigger for images of `size`. */
export function wanetTransforms(fn: string, size: ImageSize, options: WanetTriggerOptions) {
  const { grid } = buildWanetGrid(fn, size, options);
  const { height, width } = size;
  const warp = (input: Float64Array, output: Float64Array) =>
    sample(input, output, size, (p, axis) => grid[2 * p + axis]!);
  /** Noise mode: the warp plus per-sample uniform noise in [-1, 1] / H on the grid, clamped. */
  const noise = (input: Float64Array, output: Float64Array, random: Random) => {
    const noisy = new Float64Array(grid.length);
    for (let i = 0; i < grid.length; i++) {
      const v = grid[i]! + (random.next() * 2 - 1) / (i % 2 === 0 ? width : height);
      noisy[i] = Math.min(1, Math.max(-1, v));
    }
    sample(input, output, size, (p, axis) => noisy[2 * p + axis]!);
  };
  return { warp, noise };
}

/**
 * Warps every image with the WaNet grid (bilinear `grid_sample`). With `noise: true`,
 * applies the noise mode instead: each image `i` gets the warp plus random grid noise
 * drawn from `(seed, i)` (these samples keep their label when poisoning). New arrays;
 * input unchanged.
 *
 * @example
 * ```ts
 * const out = applyWanet({ images, shape: [n, 32, 32, 3] }, { k: 4, strength: 0.5 });
 * ```
 */
export function applyWanet<B extends ImageBatch>(
  batch: B,
  options: WanetTriggerOptions = {},
  { noise = false, seed = 0 }: { noise?: boolean; seed?: number } = {},
): TriggeredBatch<B> {
  const fn = 'applyWanet';
  assertSeed(fn, 'seed', seed);
  const dims = batchDims(fn, batch);
  const transforms = wanetTransforms(fn, dims, options);
  return (
    noise
      ? mapBatch(batch, dims, transforms.noise, (index) =>
          createRandom(deriveSeed(seed, 'wanet-noise-sample', index)),
        )
      : mapBatch(batch, dims, transforms.warp)
  ) as TriggeredBatch<B>;
}
