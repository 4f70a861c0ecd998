import { mapBatch } from '../_image';
import { batchDims } from '../_validate';
import { type MaskedTrigger, stampMasked } from '../masked-trigger';
import { resolvePosition, type TriggerColor, type TriggerPosition } from '../trigger-geometry';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
import { checkImageSize, type PatchPattern, patchTrigger, patchValues } from './_patch';

/**
 * Options of the static patch trigger of BadNets (Gu et al.): a fixed square patch at a
 * fixed position.
 */
export interface BadNetsTriggerOptions {
  /** Side of the square patch in pixels. @default 3 */
  size?: number;
  /** Where the patch goes. @default 'bottom-right' */
  position?: TriggerPosition;
  /** Distance in pixels from the anchor's edges (ignored for `{ x, y }`). @default 0 */
  margin?: number;
  /** Colour used by `'solid'` and `'checkerboard'`. @default 1 (white) */
  color?: TriggerColor;
  /** Content of the patch. @default 'solid' */
  pattern?: PatchPattern;
}

/** Defaults of {@link BadNetsTriggerOptions}: a 3x3 white square in the bottom-right corner. */
export const BADNETS_DEFAULTS = {
  size: 3,
  position: 'bottom-right',
  margin: 0,
  color: 1,
  pattern: 'solid',
} as const satisfies Required<BadNetsTriggerOptions>;

/**
 * The BadNets static patch as an Eq. 1 mask and pattern: `m = 1` on the patch, 0 elsewhere.
 *
 * @example
 * ```ts
 * const { mask, pattern } = createBadNetsTrigger({ height: 32, width: 32, channels: 3 }, { color: [1, 0, 0] });
 * // a red 3x3 square in the bottom-right corner (Fig. 3(b))
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` when the patch is bigger than the image.
 * @see T. Gu, B. Dolan-Gavitt, S. Garg, "BadNets: Identifying Vulnerabilities in the Machine
 * Learning Model Supply Chain", arXiv:1708.06733, 2017.
 */
export function createBadNetsTrigger(
  size: ImageSize,
  options: BadNetsTriggerOptions = {},
): MaskedTrigger {
  const fn = 'createBadNetsTrigger';
  checkImageSize(fn, size);
  const {
    size: side = BADNETS_DEFAULTS.size,
    position = BADNETS_DEFAULTS.position,
    margin = BADNETS_DEFAULTS.margin,
    color = BADNETS_DEFAULTS.color,
    pattern = BADNETS_DEFAULTS.pattern,
  } = options;
  const values = patchValues(fn, side, size.channels, pattern, color);
  const { row, col } = resolvePosition(fn, position, margin, side, side, size.height, size.width);
  return patchTrigger(size, values, side, side, row, col);
}

/**
 * Stamps the BadNets patch on every image (Eq. 1). New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applyBadNets({ images: new Uint8Array(28 * 28), shape: [28, 28, 1] });
 * out.images[27 * 28 + 27]; // 255
 * ```
 */
export function applyBadNets<B extends ImageBatch>(
  batch: B,
  options: BadNetsTriggerOptions = {},
): TriggeredBatch<B> {
  const dims = batchDims('applyBadNets', batch);
  const trigger = createBadNetsTrigger(dims, options);
  return mapBatch(batch, dims, (i, o) => stampMasked(i, o, trigger)) as TriggeredBatch<B>;
}
