import { mapBatch } from './_image';
import { batchDims, invalid } from './_validate';
import { AttackError } from './errors';
import type { ImageBatch, ImageSize, TriggeredBatch } from './types';

/**
 * A trigger in the form of the paper's Eq. 1, `x' = (1 - m) ⊙ x + m ⊙ t`.
 * Both arrays are HWC, `height * width * channels` long, values in [0, 1].
 */
export interface MaskedTrigger extends ImageSize {
  /** `m`: 1 where the trigger replaces the pixel, 0 where the pixel is kept, α for a blend. */
  mask: Float32Array;
  /** `t`: the trigger's content (only meaningful where `mask > 0`). */
  pattern: Float32Array;
}

/** `output = (1 - m) ⊙ input + m ⊙ t`, skipping entries where `m = 0` (copied unchanged). */
export function stampMasked(input: Float64Array, output: Float64Array, trigger: MaskedTrigger) {
  const { mask, pattern } = trigger;
  for (let i = 0; i < input.length; i++) {
    const m = mask[i]!;
    output[i] = m === 0 ? input[i]! : m === 1 ? pattern[i]! : (1 - m) * input[i]! + m * pattern[i]!;
  }
}

/** Throws unless `trigger` fits images of `size`. */
export function checkMaskedTrigger(fn: string, trigger: MaskedTrigger, size: ImageSize): void {
  if (
    trigger.height !== size.height ||
    trigger.width !== size.width ||
    trigger.channels !== size.channels
  ) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: trigger is ${trigger.height}x${trigger.width}x${trigger.channels}, images are ${size.height}x${size.width}x${size.channels}`,
    );
  }
  const expected = size.height * size.width * size.channels;
  if (trigger.mask.length !== expected || trigger.pattern.length !== expected) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: trigger.mask and trigger.pattern must have ${expected} values, got ${trigger.mask.length} and ${trigger.pattern.length}`,
    );
  }
  for (let i = 0; i < expected; i++) {
    const m = trigger.mask[i]!;
    if (!(m >= 0 && m <= 1)) throw invalid(`${fn}: trigger.mask[${i}] must be in [0, 1], got ${m}`);
  }
}

/**
 * Applies a {@link MaskedTrigger} to every image: the paper's Eq. 1,
 * `x' = (1 - m) ⊙ x + m ⊙ t`. Returns new arrays of the input's type; the input is not
 * modified. Pixels where `m = 0` are copied unchanged (exactly, also for uint8).
 *
 * @example
 * ```ts
 * const trigger = createBadNetsTrigger({ height: 28, width: 28, channels: 1 });
 * const triggered = applyMaskedTrigger({ images, shape: [n, 28, 28, 1] }, trigger);
 * ```
 * @throws {AttackError} `E_SHAPE_MISMATCH` when the trigger and the images differ in size.
 */
export function applyMaskedTrigger<B extends ImageBatch>(
  batch: B,
  trigger: MaskedTrigger,
): TriggeredBatch<B> {
  const fn = 'applyMaskedTrigger';
  const dims = batchDims(fn, batch);
  checkMaskedTrigger(fn, trigger, dims);
  return mapBatch(batch, dims, (input, output) =>
    stampMasked(input, output, trigger),
  ) as TriggeredBatch<B>;
}
