import { mapBatch } from '../_image';
import { assertOneOf, batchDims, invalid } from '../_validate';
import type { ImageArray, ImageBatch, ImageSize } from '../types';
import { checkImageSize } from './_patch';

/** Names of the Instagram-style filters. */
export type FilterName = 'nashville' | 'gotham';

/** Every {@link FilterName}. */
export const FILTER_NAMES = ['nashville', 'gotham'] as const satisfies readonly FilterName[];

/** Options of the Filter trigger (ABS): a colour transform applied to the whole image. */
export interface FilterTriggerOptions {
  /** Which filter. @default 'nashville' */
  filter?: FilterName;
}

/** Defaults of {@link FilterTriggerOptions}. */
export const FILTER_DEFAULTS = {
  filter: 'nashville',
} as const satisfies Required<FilterTriggerOptions>;

type Rgb = readonly [number, number, number];

/** One step of a filter, on RGB in [0, 1]; the result is clipped to [0, 1] after every step. */
type FilterStep =
  | { op: 'sepia'; amount: number }
  | { op: 'saturate'; amount: number }
  | { op: 'contrast'; amount: number }
  | { op: 'brightness'; amount: number }
  | { op: 'blend'; mode: 'darken' | 'lighten' | 'multiply'; color: Rgb; opacity: number };

/**
 * The filters, as CSS filter functions (W3C Filter Effects matrices) followed by colour
 * layers composited with a blend mode and an opacity:
 *
 * - `nashville` (after CSSgram's Nashville): sepia 0.2, contrast 1.2, brightness 1.05,
 *   saturate 1.2, then a peach layer rgb(247, 176, 153) in `darken` mode at 0.56 and a blue
 *   layer rgb(0, 70, 150) in `lighten` mode at 0.4: warm highlights, lifted blue shadows.
 * - `gotham` (after Instagram's Gotham): saturate 0.15, contrast 1.35, brightness 0.95,
 *   then a cool layer rgb(191, 209, 255) in `multiply` mode at 0.6 and a navy layer
 *   rgb(26, 31, 61) in `lighten` mode at 1: desaturated, contrasted, blue-black shadows.
 */
const FILTERS: Record<FilterName, readonly FilterStep[]> = {
  nashville: [
    { op: 'sepia', amount: 0.2 },
    { op: 'contrast', amount: 1.2 },
    { op: 'brightness', amount: 1.05 },
    { op: 'saturate', amount: 1.2 },
    { op: 'blend', mode: 'darken', color: [247 / 255, 176 / 255, 153 / 255], opacity: 0.56 },
    { op: 'blend', mode: 'lighten', color: [0, 70 / 255, 150 / 255], opacity: 0.4 },
  ],
  gotham: [
    { op: 'saturate', amount: 0.15 },
    { op: 'contrast', amount: 1.35 },
    { op: 'brightness', amount: 0.95 },
    { op: 'blend', mode: 'multiply', color: [191 / 255, 209 / 255, 1], opacity: 0.6 },
    { op: 'blend', mode: 'lighten', color: [26 / 255, 31 / 255, 61 / 255], opacity: 1 },
  ],
};

const clip = (x: number) => Math.min(1, Math.max(0, x));

function matrix(rgb: Float64Array, m: readonly number[]) {
  const [r, g, b] = [rgb[0]!, rgb[1]!, rgb[2]!];
  rgb[0] = clip(m[0]! * r + m[1]! * g + m[2]! * b);
  rgb[1] = clip(m[3]! * r + m[4]! * g + m[5]! * b);
  rgb[2] = clip(m[6]! * r + m[7]! * g + m[8]! * b);
}

function sepiaMatrix(a: number): number[] {
  const s = 1 - a;
  return [
    0.393 + 0.607 * s,
    0.769 - 0.769 * s,
    0.189 - 0.189 * s,
    0.349 - 0.349 * s,
    0.686 + 0.314 * s,
    0.168 - 0.168 * s,
    0.272 - 0.272 * s,
    0.534 - 0.534 * s,
    0.131 + 0.869 * s,
  ];
}

function saturateMatrix(s: number): number[] {
  return [
    0.213 + 0.787 * s,
    0.715 - 0.715 * s,
    0.072 - 0.072 * s,
    0.213 - 0.213 * s,
    0.715 + 0.285 * s,
    0.072 - 0.072 * s,
    0.213 - 0.213 * s,
    0.715 - 0.715 * s,
    0.072 + 0.928 * s,
  ];
}

/** Compiles a filter into a function transforming one RGB triple in place. */
function compileFilter(steps: readonly FilterStep[]): (rgb: Float64Array) => void {
  const ops = steps.map((step): ((rgb: Float64Array) => void) => {
    switch (step.op) {
      case 'sepia': {
        const m = sepiaMatrix(step.amount);
        return (rgb) => matrix(rgb, m);
      }
      case 'saturate': {
        const m = saturateMatrix(step.amount);
        return (rgb) => matrix(rgb, m);
      }
      case 'contrast':
        return (rgb) => {
          for (let k = 0; k < 3; k++) rgb[k] = clip((rgb[k]! - 0.5) * step.amount + 0.5);
        };
      case 'brightness':
        return (rgb) => {
          for (let k = 0; k < 3; k++) rgb[k] = clip(rgb[k]! * step.amount);
        };
      default: {
        const { mode, color, opacity } = step;
        const mix =
          mode === 'darken'
            ? Math.min
            : mode === 'lighten'
              ? Math.max
              : (a: number, b: number) => a * b;
        return (rgb) => {
          for (let k = 0; k < 3; k++) {
            rgb[k] = clip((1 - opacity) * rgb[k]! + opacity * mix(rgb[k]!, color[k]!));
          }
        };
      }
    }
  });
  return (rgb) => {
    for (const op of ops) op(rgb);
  };
}

/**
 * The filter transform for images of `size`. RGB images are filtered per pixel; a
 * one-channel image is replicated to RGB, filtered, and converted back to its luma
 * `0.299 R + 0.587 G + 0.114 B`.
 */
export function filterTransform(fn: string, size: ImageSize, options: FilterTriggerOptions) {
  const { filter = FILTER_DEFAULTS.filter } = options;
  assertOneOf(fn, 'filter', filter, FILTER_NAMES);
  const { channels } = size;
  if (channels !== 1 && channels !== 3) {
    throw invalid(`${fn}: the Filter trigger needs 1 or 3 channels, got ${channels}`);
  }
  const apply = compileFilter(FILTERS[filter]);
  const rgb = new Float64Array(3);
  return (input: Float64Array, output: Float64Array) => {
    for (let p = 0; p < input.length; p += channels) {
      if (channels === 3) {
        rgb[0] = input[p]!;
        rgb[1] = input[p + 1]!;
        rgb[2] = input[p + 2]!;
        apply(rgb);
        output[p] = rgb[0]!;
        output[p + 1] = rgb[1]!;
        output[p + 2] = rgb[2]!;
      } else {
        rgb.fill(input[p]!);
        apply(rgb);
        output[p] = clip(0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!);
      }
    }
  };
}

/**
 * Applies an Instagram-style filter to every whole image (the Filter trigger of ABS).
 * See {@link FILTER_NAMES}; the exact steps of each filter are documented on the source
 * (`FILTERS`) and in the README. Output is in [0, 1]. New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applyFilter({ images, shape: [n, 32, 32, 3] }, { filter: 'gotham' });
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for images with other than 1 or 3 channels.
 * @see Y. Liu, W.-C. Lee, G. Tao, S. Ma, Y. Aafer, X. Zhang, "ABS: Scanning Neural Networks
 * for Back-doors by Artificial Brain Stimulation", ACM CCS 2019.
 */
export function applyFilter<T extends ImageArray>(
  batch: ImageBatch<T>,
  options: FilterTriggerOptions = {},
): ImageBatch<T> {
  const fn = 'applyFilter';
  const dims = batchDims(fn, batch);
  checkImageSize(fn, dims);
  return mapBatch(batch, dims, filterTransform(fn, dims, options)) as ImageBatch<T>;
}
