import { createRandom, deriveSeed, type Random } from '@none/stats';
import { mapBatch } from '../_image';
import { assertSeed, batchDims, invalid } from '../_validate';
import { type MaskedTrigger, stampMasked } from '../masked-trigger';
import type { TriggerColor } from '../trigger-geometry';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
import { checkImageSize, type PatchPattern, patchTrigger, patchValues } from './_patch';

/**
 * Options of the dynamic patch trigger (Fig. 3(c)): a fixed patch pasted at a random
 * position, drawn independently for every sample.
 */
export interface DynamicPatchTriggerOptions {
  /** Side of the square patch in pixels. @default 3 */
  size?: number;
  /** Colour used by `'solid'` and `'checkerboard'`. @default 1 (white) */
  color?: TriggerColor;
  /** Content of the patch. @default 'checkerboard' (black and white) */
  pattern?: PatchPattern;
}

/** Defaults of {@link DynamicPatchTriggerOptions}. */
export const DYNAMIC_PATCH_DEFAULTS = {
  size: 3,
  color: 1,
  pattern: 'checkerboard',
} as const satisfies Required<DynamicPatchTriggerOptions>;

/** Which random position: the one sample `index` gets under `seed`. */
export interface DynamicPatchPlacement {
  /** Seed of the poisoning run (or of the test set). @default 0 */
  seed?: number;
  /** Index of the sample in its dataset. @default 0 */
  index?: number;
}

/** Compiles the patch once; returns a function building the trigger for one random position. */
export function dynamicPatchFactory(
  fn: string,
  size: ImageSize,
  options: DynamicPatchTriggerOptions,
): (random: Random) => MaskedTrigger {
  checkImageSize(fn, size);
  const {
    size: side = DYNAMIC_PATCH_DEFAULTS.size,
    color = DYNAMIC_PATCH_DEFAULTS.color,
    pattern = DYNAMIC_PATCH_DEFAULTS.pattern,
  } = options;
  const values = patchValues(fn, side, size.channels, pattern, color);
  if (side > size.height || side > size.width) {
    throw invalid(
      `${fn}: the trigger (${side}x${side}) is bigger than the image (${size.height}x${size.width})`,
    );
  }
  return (random) => {
    const row = random.int(size.height - side + 1);
    const col = random.int(size.width - side + 1);
    return patchTrigger(size, values, side, side, row, col);
  };
}

/**
 * The dynamic patch of sample `index` under `seed`, as an Eq. 1 mask and pattern: the
 * same position {@link poisonDataset} uses for that sample with that seed. The top-left
 * corner is uniform over every position where the patch fits.
 *
 * @example
 * ```ts
 * const t = createDynamicPatchTrigger({ height: 32, width: 32, channels: 3 }, {}, { seed: 1, index: 7 });
 * t.mask.reduce((a, b) => a + b, 0); // 27 (3 x 3 pixels x 3 channels)
 * ```
 */
export function createDynamicPatchTrigger(
  size: ImageSize,
  options: DynamicPatchTriggerOptions = {},
  placement: DynamicPatchPlacement = {},
): MaskedTrigger {
  const fn = 'createDynamicPatchTrigger';
  const { seed = 0, index = 0 } = placement;
  assertSeed(fn, 'seed', seed);
  const factory = dynamicPatchFactory(fn, size, options);
  return factory(createRandom(deriveSeed(seed, 'trigger-sample', index)));
}

/**
 * Pastes the dynamic patch on every image, image `i` at the position drawn for
 * `(seed, i)`. New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applyDynamicPatch({ images, shape: [n, 32, 32, 3] }, { size: 5 }, { seed: 3 });
 * ```
 */
export function applyDynamicPatch<B extends ImageBatch>(
  batch: B,
  options: DynamicPatchTriggerOptions = {},
  { seed = 0 }: { seed?: number } = {},
): TriggeredBatch<B> {
  const fn = 'applyDynamicPatch';
  assertSeed(fn, 'seed', seed);
  const dims = batchDims(fn, batch);
  const factory = dynamicPatchFactory(fn, dims, options);
  return mapBatch(
    batch,
    dims,
    (input, output, random) => stampMasked(input, output, factory(random)),
    (index) => createRandom(deriveSeed(seed, 'trigger-sample', index)),
  ) as TriggeredBatch<B>;
}
