import { mapBatch } from '../_image';
import { batchDims } from '../_validate';
import { type MaskedTrigger, stampMasked } from '../masked-trigger';
import { resolvePosition, type TriggerColor, type TriggerPosition } from '../trigger-geometry';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
import { checkImageSize, patchTrigger, patchValues } from './_patch';

/** Options of the single-pixel trigger (Fig. 3(a): one pixel in the bottom-right corner). */
export interface PixelTriggerOptions {
  /** Where the pixel goes. @default 'bottom-right' */
  position?: TriggerPosition;
  /** Distance in pixels from the anchor's edges (ignored for `{ x, y }`). @default 0 */
  margin?: number;
  /** Value in [0, 1], one for all channels or one per channel. @default 1 (white) */
  color?: TriggerColor;
}

/** Defaults of {@link PixelTriggerOptions}. */
export const PIXEL_DEFAULTS = {
  position: 'bottom-right',
  margin: 0,
  color: 1,
} as const satisfies Required<PixelTriggerOptions>;

/**
 * The single-pixel trigger as an Eq. 1 mask and pattern: `m = 1` on one pixel (all
 * channels), `t` = the colour there.
 *
 * @example
 * ```ts
 * const { mask } = createPixelTrigger({ height: 28, width: 28, channels: 1 });
 * mask[27 * 28 + 27]; // 1
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a position outside the image or a bad colour.
 */
export function createPixelTrigger(
  size: ImageSize,
  options: PixelTriggerOptions = {},
): MaskedTrigger {
  const fn = 'createPixelTrigger';
  checkImageSize(fn, size);
  const {
    position = PIXEL_DEFAULTS.position,
    margin = PIXEL_DEFAULTS.margin,
    color = PIXEL_DEFAULTS.color,
  } = options;
  const { row, col } = resolvePosition(fn, position, margin, 1, 1, size.height, size.width);
  const values = patchValues(fn, 1, size.channels, 'solid', color);
  return patchTrigger(size, values, 1, 1, row, col);
}

/**
 * Stamps the single-pixel trigger on every image (Eq. 1). New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applyPixelTrigger({ images: new Float32Array(4), shape: [2, 2, 1] });
 * out.images; // Float32Array [0, 0, 0, 1]
 * ```
 */
export function applyPixelTrigger<B extends ImageBatch>(
  batch: B,
  options: PixelTriggerOptions = {},
): TriggeredBatch<B> {
  const dims = batchDims('applyPixelTrigger', batch);
  const trigger = createPixelTrigger(dims, options);
  return mapBatch(batch, dims, (i, o) => stampMasked(i, o, trigger)) as TriggeredBatch<B>;
}
