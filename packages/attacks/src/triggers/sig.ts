import { mapBatch } from '../_image';
import { assertNumber, batchDims, invalid } from '../_validate';
import type { ImageBatch, ImageSize, TriggeredBatch } from '../types';
import { checkImageSize } from './_patch';

/** Options of the SIG trigger (Barni et al.): a horizontal sinusoidal signal added to the image. */
export interface SigTriggerOptions {
  /** Amplitude Δ, in pixel units of [0, 1] (20/255 is Δ = 20 on 8-bit images). @default 20 / 255 */
  delta?: number;
  /** Number of periods f across the image width. @default 6 */
  frequency?: number;
}

/** Defaults of {@link SigTriggerOptions}. */
export const SIG_DEFAULTS = {
  delta: 20 / 255,
  frequency: 6,
} as const satisfies Required<SigTriggerOptions>;

function sigOptions(fn: string, options: SigTriggerOptions) {
  const { delta = SIG_DEFAULTS.delta, frequency = SIG_DEFAULTS.frequency } = options;
  assertNumber(fn, 'delta', delta, 0, 1);
  assertNumber(fn, 'frequency', frequency, 0, Number.MAX_SAFE_INTEGER);
  return { delta, frequency };
}

/** `v(j) = Δ sin(2π j f / W)` for every column j (float64). */
export function sigColumns(fn: string, width: number, options: SigTriggerOptions): Float64Array {
  const { delta, frequency } = sigOptions(fn, options);
  const out = new Float64Array(width);
  let peak = 0;
  for (let j = 0; j < width; j++) {
    out[j] = delta * Math.sin((2 * Math.PI * j * frequency) / width);
    peak = Math.max(peak, Math.abs(out[j]!));
  }
  if (delta > 0 && peak < 1e-9 * delta) {
    throw invalid(
      `${fn}: frequency ${frequency} on width ${width} samples the sinusoid only at its zeros (2f/W is an integer); choose another frequency`,
    );
  }
  return out;
}

/**
 * The SIG signal `v(i, j) = Δ sin(2π j f / W)`, one value per pixel (`height * width`,
 * row-major; the same for every row and every channel). SIG is additive, not Eq. 1:
 * `x' = clip(x + v, 0, 1)`.
 *
 * @example
 * ```ts
 * const v = createSigSignal({ height: 28, width: 28, channels: 1 });
 * Math.max(...v); // ≈ 20 / 255
 * ```
 * @see M. Barni, K. Kallas, B. Tondi, "A New Backdoor Attack in CNNs by Training Set
 * Corruption Without Label Poisoning", IEEE ICIP 2019.
 */
export function createSigSignal(size: ImageSize, options: SigTriggerOptions = {}): Float32Array {
  const fn = 'createSigSignal';
  checkImageSize(fn, size);
  const columns = sigColumns(fn, size.width, options);
  const out = new Float32Array(size.height * size.width);
  for (let i = 0; i < size.height; i++) out.set(columns, i * size.width);
  return out;
}

/** The SIG transform for images of `size`: `x' = clip(x + v(j), 0, 1)` on every channel. */
export function sigTransform(fn: string, size: ImageSize, options: SigTriggerOptions) {
  const columns = sigColumns(fn, size.width, options);
  const { height, width, channels } = size;
  return (input: Float64Array, output: Float64Array) => {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const v = columns[j]!;
        const base = (i * width + j) * channels;
        for (let k = 0; k < channels; k++) {
          output[base + k] = Math.min(1, Math.max(0, input[base + k]! + v));
        }
      }
    }
  };
}

/**
 * Adds the SIG signal to every image: `x'(i, j, k) = clip(x(i, j, k) + Δ sin(2π j f / W), 0, 1)`.
 * New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applySig({ images, shape: [n, 28, 28, 1] }, { delta: 20 / 255, frequency: 6 });
 * ```
 */
export function applySig<B extends ImageBatch>(
  batch: B,
  options: SigTriggerOptions = {},
): TriggeredBatch<B> {
  const fn = 'applySig';
  const dims = batchDims(fn, batch);
  return mapBatch(batch, dims, sigTransform(fn, dims, options)) as TriggeredBatch<B>;
}
