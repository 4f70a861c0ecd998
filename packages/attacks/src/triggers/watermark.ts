import { createRandom, deriveSeed } from '@none/stats';
import { mapBatch } from '../_image';
import { assertInteger, assertNumber, assertSeed, batchDims } from '../_validate';
import { type MaskedTrigger, stampMasked } from '../masked-trigger';
import {
  resizeTriggerImage,
  resolvePosition,
  type TriggerImage,
  type TriggerPosition,
} from '../trigger-geometry';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
import { checkImageSize } from './_patch';

/**
 * Options of the watermark trigger (Fig. 3(d)): a colourful logo alpha-blended onto a
 * square region of the image.
 */
export interface WatermarkTriggerOptions {
  /** Side of the square watermark in pixels. @default half the image's shorter side, rounded up */
  size?: number;
  /** Where the watermark goes. @default 'bottom-right' */
  position?: TriggerPosition;
  /** Distance in pixels from the anchor's edges (ignored for `{ x, y }`). @default 0 */
  margin?: number;
  /** Opacity α of the watermark, in [0, 1]. @default 0.5 */
  alpha?: number;
  /**
   * The logo, resized (nearest neighbour) to `size x size`; blended over the whole square.
   * When absent, a generated colour-wheel disc (hue by angle, saturation by radius, hue
   * rotated by `patternSeed`) is used, blended inside the disc only.
   */
  image?: TriggerImage;
  /** Seed of the generated logo's hue rotation. @default 0 */
  patternSeed?: number;
}

/** Defaults of {@link WatermarkTriggerOptions} (`size` depends on the image). */
export const WATERMARK_DEFAULTS = {
  position: 'bottom-right',
  margin: 0,
  alpha: 0.5,
  patternSeed: 0,
} as const satisfies Required<Omit<WatermarkTriggerOptions, 'image' | 'size'>>;

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/** The generated logo: values (HWC) and a 0/1 disc mask (per pixel), `side x side`. */
function generatedLogo(side: number, channels: number, patternSeed: number) {
  const hueOffset = createRandom(deriveSeed(patternSeed, 'trigger-pattern')).next();
  const values = new Float64Array(side * side * channels);
  const inside = new Uint8Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const dx = ((c + 0.5) / side) * 2 - 1;
      const dy = ((r + 0.5) / side) * 2 - 1;
      const radius = Math.sqrt(dx * dx + dy * dy);
      if (radius > 1) continue;
      inside[r * side + c] = 1;
      const hue = (Math.atan2(dy, dx) / (2 * Math.PI) + 1 + hueOffset) % 1;
      const rgb = hsvToRgb(hue, 0.25 + 0.75 * radius, 1);
      const dst = (r * side + c) * channels;
      if (channels === 1) {
        values[dst] = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
      } else {
        for (let k = 0; k < channels; k++) values[dst + k] = rgb[k % 3]!;
      }
    }
  }
  return { values, inside };
}

/**
 * The watermark as an Eq. 1 mask and pattern: `m = α` on the logo (the disc of the
 * generated logo, or the whole square of a given image), 0 elsewhere.
 *
 * @example
 * ```ts
 * const { mask } = createWatermarkTrigger({ height: 32, width: 32, channels: 3 }, { size: 12 });
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` when the watermark is bigger than the image.
 */
export function createWatermarkTrigger(
  size: ImageSize,
  options: WatermarkTriggerOptions = {},
): MaskedTrigger {
  const fn = 'createWatermarkTrigger';
  checkImageSize(fn, size);
  const { height, width, channels } = size;
  const {
    size: side = Math.ceil(Math.min(height, width) / 2),
    position = WATERMARK_DEFAULTS.position,
    margin = WATERMARK_DEFAULTS.margin,
    alpha = WATERMARK_DEFAULTS.alpha,
    image,
    patternSeed = WATERMARK_DEFAULTS.patternSeed,
  } = options;
  assertInteger(fn, 'size', side, 1, 2 ** 31 - 1);
  assertNumber(fn, 'alpha', alpha, 0, 1);
  assertSeed(fn, 'patternSeed', patternSeed);
  const { row, col } = resolvePosition(fn, position, margin, side, side, height, width);
  const logo =
    image === undefined
      ? generatedLogo(side, channels, patternSeed)
      : {
          values: resizeTriggerImage(fn, 'image', image, side, side, channels),
          inside: new Uint8Array(side * side).fill(1),
        };
  const mask = new Float32Array(height * width * channels);
  const pattern = new Float32Array(height * width * channels);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (logo.inside[r * side + c] === 0) continue;
      for (let k = 0; k < channels; k++) {
        const dst = ((row + r) * width + col + c) * channels + k;
        mask[dst] = alpha;
        pattern[dst] = logo.values[(r * side + c) * channels + k]!;
      }
    }
  }
  return { height, width, channels, mask, pattern };
}

/**
 * Blends the watermark onto every image (Eq. 1). New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applyWatermark({ images, shape: [n, 32, 32, 3] }, { alpha: 0.4 });
 * ```
 */
export function applyWatermark<B extends ImageBatch>(
  batch: B,
  options: WatermarkTriggerOptions = {},
): TriggeredBatch<B> {
  const dims = batchDims('applyWatermark', batch);
  const trigger = createWatermarkTrigger(dims, options);
  return mapBatch(batch, dims, (i, o) => stampMasked(i, o, trigger)) as TriggeredBatch<B>;
}
