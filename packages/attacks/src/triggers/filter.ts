import { mapBatch } from '../_image';
import { assertOneOf, batchDims, invalid } from '../_validate';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
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

const MATRIX = 0;
const CONTRAST = 1;
const BRIGHTNESS = 2;
const DARKEN = 3;
const LIGHTEN = 4;
const MULTIPLY = 5;

/**
 * Compiles a filter into a function transforming one RGB triple in place: a flat program
 * (opcode + 9 parameters per step) run with scalar locals, fast enough for whole datasets.
 */
function compileFilter(steps: readonly FilterStep[]): (rgb: Float64Array) => void {
  const count = steps.length;
  const codes = new Uint8Array(count);
  const params = new Float64Array(count * 9);
  steps.forEach((step, i) => {
    const p = i * 9;
    if (step.op === 'sepia' || step.op === 'saturate') {
      codes[i] = MATRIX;
      params.set(step.op === 'sepia' ? sepiaMatrix(step.amount) : saturateMatrix(step.amount), p);
    } else if (step.op === 'contrast' || step.op === 'brightness') {
      codes[i] = step.op === 'contrast' ? CONTRAST : BRIGHTNESS;
      params[p] = step.amount;
    } else {
      codes[i] = step.mode === 'darken' ? DARKEN : step.mode === 'lighten' ? LIGHTEN : MULTIPLY;
      params.set([...step.color, step.opacity], p);
    }
  });
  return (rgb) => {
    let r = rgb[0]!;
    let g = rgb[1]!;
    let b = rgb[2]!;
    for (let i = 0; i < count; i++) {
      const p = i * 9;
      const code = codes[i]!;
      if (code === MATRIX) {
        const nr = params[p]! * r + params[p + 1]! * g + params[p + 2]! * b;
        const ng = params[p + 3]! * r + params[p + 4]! * g + params[p + 5]! * b;
        const nb = params[p + 6]! * r + params[p + 7]! * g + params[p + 8]! * b;
        r = clip(nr);
        g = clip(ng);
        b = clip(nb);
      } else if (code === CONTRAST) {
        const c = params[p]!;
        r = clip((r - 0.5) * c + 0.5);
        g = clip((g - 0.5) * c + 0.5);
        b = clip((b - 0.5) * c + 0.5);
      } else if (code === BRIGHTNESS) {
        const c = params[p]!;
        r = clip(r * c);
        g = clip(g * c);
        b = clip(b * c);
      } else {
        const cr = params[p]!;
        const cg = params[p + 1]!;
        const cb = params[p + 2]!;
        const o = params[p + 3]!;
        const q = 1 - o;
        if (code === DARKEN) {
          r = clip(q * r + o * Math.min(r, cr));
          g = clip(q * g + o * Math.min(g, cg));
          b = clip(q * b + o * Math.min(b, cb));
        } else if (code === LIGHTEN) {
          r = clip(q * r + o * Math.max(r, cr));
          g = clip(q * g + o * Math.max(g, cg));
          b = clip(q * b + o * Math.max(b, cb));
        } else {
          r = clip(q * r + o * r * cr);
          g = clip(q * g + o * g * cg);
          b = clip(q * b + o * b * cb);
        }
      }
    }
    rgb[0] = r;
    rgb[1] = g;
    rgb[2] = b;
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
export function applyFilter<B extends ImageBatch>(
  batch: B,
  options: FilterTriggerOptions = {},
): TriggeredBatch<B> {
  const fn = 'applyFilter';
  const dims = batchDims(fn, batch);
  checkImageSize(fn, dims);
  return mapBatch(batch, dims, filterTransform(fn, dims, options)) as TriggeredBatch<B>;
}
