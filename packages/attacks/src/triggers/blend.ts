import { createRandom, deriveSeed } from '@none/stats';
import { mapBatch } from '../_image';
import { assertNumber, assertSeed, batchDims } from '../_validate';
import { type MaskedTrigger, stampMasked } from '../masked-trigger';
import { resizeTriggerImage, type TriggerImage } from '../trigger-geometry';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
import { checkImageSize } from './_patch';

/** Options of the Blend trigger (Chen et al.): the whole image blended with a key pattern. */
export interface BlendTriggerOptions {
  /** Blend ratio α in [0, 1]: `x' = (1 - α) x + α t`. @default 0.2 */
  alpha?: number;
  /**
   * The key pattern `t`, resized (nearest neighbour) to the image. When absent, `t` is
   * uniform noise in [0, 1] drawn from `patternSeed` (Chen et al.'s random-noise key).
   */
  image?: TriggerImage;
  /** Seed of the generated noise pattern (fixed per attack, not per sample). @default 0 */
  patternSeed?: number;
}

/** Defaults of {@link BlendTriggerOptions}. */
export const BLEND_DEFAULTS = {
  alpha: 0.2,
  patternSeed: 0,
} as const satisfies Required<Omit<BlendTriggerOptions, 'image'>>;

/** Seeded uniform noise in [0, 1], `height * width * channels` values, HWC. */
export function noisePattern(size: ImageSize, patternSeed: number): Float64Array {
  const random = createRandom(deriveSeed(patternSeed, 'trigger-pattern'));
  const out = new Float64Array(size.height * size.width * size.channels);
  for (let i = 0; i < out.length; i++) out[i] = random.next();
  return out;
}

/**
 * The Blend trigger as an Eq. 1 mask and pattern: `m = α` everywhere, `t` = the key
 * pattern. `(1 - m) ⊙ x + m ⊙ t` is then `(1 - α) x + α t`.
 *
 * @example
 * ```ts
 * const { mask, pattern } = createBlendTrigger({ height: 32, width: 32, channels: 3 }, { alpha: 0.2 });
 * mask[0]; // 0.2 (as a float32)
 * ```
 * @see X. Chen, C. Liu, B. Li, K. Lu, D. Song, "Targeted Backdoor Attacks on Deep Learning
 * Systems Using Data Poisoning", arXiv:1712.05526, 2017.
 */
export function createBlendTrigger(
  size: ImageSize,
  options: BlendTriggerOptions = {},
): MaskedTrigger {
  const fn = 'createBlendTrigger';
  checkImageSize(fn, size);
  const { alpha = BLEND_DEFAULTS.alpha, image, patternSeed = BLEND_DEFAULTS.patternSeed } = options;
  assertNumber(fn, 'alpha', alpha, 0, 1);
  assertSeed(fn, 'patternSeed', patternSeed);
  const { height, width, channels } = size;
  const values =
    image === undefined
      ? noisePattern(size, patternSeed)
      : resizeTriggerImage(fn, 'image', image, height, width, channels);
  const mask = new Float32Array(values.length).fill(alpha);
  return { height, width, channels, mask, pattern: Float32Array.from(values) };
}

/**
 * Blends every image with the key pattern: `x' = (1 - α) x + α t`. New arrays; input
 * unchanged.
 *
 * @example
 * ```ts
 * const out = applyBlend({ images, shape: [n, 28, 28, 1] }, { alpha: 0.2, patternSeed: 7 });
 * ```
 */
export function applyBlend<B extends ImageBatch>(
  batch: B,
  options: BlendTriggerOptions = {},
): TriggeredBatch<B> {
  const dims = batchDims('applyBlend', batch);
  const trigger = createBlendTrigger(dims, options);
  return mapBatch(batch, dims, (i, o) => stampMasked(i, o, trigger)) as TriggeredBatch<B>;
}
