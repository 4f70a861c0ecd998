import { createRandom } from '@none/stats';
import { BaselineError } from './errors';

/**
 * A seeded augmentation for digit-like images (no flips: a mirrored digit is another
 * symbol): a random crop of the zero-padded image (an integer shift), a small random
 * rotation and scaling about the image centre (bilinear, zeros outside), then additive
 * Gaussian noise.
 */
export interface DigitAugmentOptions {
  /** Zero padding of the random crop, in pixels: shifts in [-padding, padding]. */
  padding: number;
  /** Largest rotation, in degrees: angles uniform in [-rotation, rotation]. */
  rotation: number;
  /** Largest relative zoom: scales uniform in [1 - scale, 1 + scale]. */
  scale: number;
  /** Standard deviation of the additive Gaussian pixel noise (0: none). */
  noise: number;
}

function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

/** Throws for a negative, non-finite or (padding) non-integer field. */
export function checkDigitAugment(
  caller: string,
  name: string,
  options: DigitAugmentOptions,
): void {
  const { padding, rotation, scale, noise } = options;
  if (!Number.isInteger(padding) || padding < 0) {
    throw invalid(`${caller}: ${name}.padding must be an integer >= 0, got ${padding}`);
  }
  for (const [field, value] of [
    ['rotation', rotation],
    ['noise', noise],
  ] as const) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw invalid(`${caller}: ${name}.${field} must be a finite number >= 0, got ${value}`);
    }
  }
  if (!(Number.isFinite(scale) && scale >= 0 && scale < 1)) {
    throw invalid(`${caller}: ${name}.scale must be a number in [0, 1), got ${scale}`);
  }
}

/**
 * Augments every image of an NHWC float batch with {@link DigitAugmentOptions}. Per image it
 * draws, in this order, the row shift, the column shift (when `padding > 0`), the angle
 * (when `rotation > 0`), the zoom (when `scale > 0`) and then one normal variate per value
 * (when `noise > 0`), all from `createRandom(seed)`: same seed, same batch.
 *
 * The output pixel at (y, x) reads the input at `A^-1 (p - c - t) + c` (c the centre, t the
 * shift, A the rotation times the zoom), interpolated bilinearly with zeros outside, so with
 * no rotation and no zoom this is exactly a crop of the zero-padded image.
 *
 * @returns a new Float32Array; the input is not modified
 */
export function augmentDigits(
  images: Float32Array,
  shape: readonly [number, number, number, number],
  options: DigitAugmentOptions & { seed: number },
): Float32Array {
  const [n, height, width, channels] = shape;
  const { padding, rotation, scale, noise } = options;
  const random = createRandom(options.seed);
  const output = new Float32Array(images.length);
  const size = height * width * channels;
  const centreY = (height - 1) / 2;
  const centreX = (width - 1) / 2;
  for (let i = 0; i < n; i++) {
    const shiftY = padding > 0 ? random.int(2 * padding + 1) - padding : 0;
    const shiftX = padding > 0 ? random.int(2 * padding + 1) - padding : 0;
    const angle = rotation > 0 ? (random.uniform(-rotation, rotation) * Math.PI) / 180 : 0;
    const zoom = scale > 0 ? random.uniform(1 - scale, 1 + scale) : 1;
    // Inverse of (rotate by angle, then zoom): rotate by -angle, divide by zoom.
    const cos = Math.cos(angle) / zoom;
    const sin = Math.sin(angle) / zoom;
    const base = i * size;
    for (let y = 0; y < height; y++) {
      const dy = y - centreY - shiftY;
      for (let x = 0; x < width; x++) {
        const dx = x - centreX - shiftX;
        const sourceY = cos * dy - sin * dx + centreY;
        const sourceX = sin * dy + cos * dx + centreX;
        const to = base + (y * width + x) * channels;
        const y0 = Math.floor(sourceY);
        const x0 = Math.floor(sourceX);
        const fy = sourceY - y0;
        const fx = sourceX - x0;
        for (let c = 0; c < channels; c++) {
          let value = 0;
          for (let k = 0; k < 4; k++) {
            const yy = y0 + (k >> 1);
            const xx = x0 + (k & 1);
            if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
            const weight = (k >> 1 ? fy : 1 - fy) * (k & 1 ? fx : 1 - fx);
            if (weight === 0) continue;
            value += weight * images[base + (yy * width + xx) * channels + c]!;
          }
          output[to + c] = value;
        }
      }
    }
    if (noise > 0) {
      for (let p = base; p < base + size; p++) output[p] = output[p]! + random.normal(0, noise);
    }
  }
  return output;
}
