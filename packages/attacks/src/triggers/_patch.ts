import { assertInteger, assertNumber, invalid } from '../_validate';
import type { MaskedTrigger } from '../masked-trigger';
import { resolveColor, type TriggerColor } from '../trigger-geometry';
import type { ImageSize } from '../types';

/**
 * Content of a square patch: `'solid'` (the colour everywhere), `'checkerboard'` (the
 * colour where `row + col` is even, black elsewhere), or explicit values in [0, 1]
 * (`size * size` of them, broadcast to every channel, or `size * size * channels`, HWC).
 */
export type PatchPattern = 'solid' | 'checkerboard' | readonly number[];

/** HWC values of a `size x size` patch. */
export function patchValues(
  fn: string,
  size: number,
  channels: number,
  pattern: PatchPattern,
  color: TriggerColor,
): Float64Array {
  assertInteger(fn, 'size', size, 1, 2 ** 31 - 1);
  const out = new Float64Array(size * size * channels);
  if (pattern === 'solid' || pattern === 'checkerboard') {
    const rgb = resolveColor(fn, 'color', color, channels);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const on = pattern === 'solid' || (r + c) % 2 === 0;
        for (let k = 0; k < channels; k++) out[(r * size + c) * channels + k] = on ? rgb[k]! : 0;
      }
    }
    return out;
  }
  if (!Array.isArray(pattern)) {
    throw invalid(
      `${fn}: pattern must be 'solid', 'checkerboard' or an array of numbers, got ${JSON.stringify(pattern)}`,
    );
  }
  pattern.forEach((v, i) => {
    assertNumber(fn, `pattern[${i}]`, v, 0, 1);
  });
  if (pattern.length === size * size * channels) {
    out.set(pattern);
  } else if (pattern.length === size * size) {
    for (let p = 0; p < size * size; p++) {
      for (let k = 0; k < channels; k++) out[p * channels + k] = pattern[p]!;
    }
  } else {
    throw invalid(
      `${fn}: pattern must have size * size = ${size * size} or size * size * channels = ${size * size * channels} values, got ${pattern.length}`,
    );
  }
  return out;
}

/** A {@link MaskedTrigger} with mask 1 on the patch at (row, col) and 0 elsewhere. */
export function patchTrigger(
  image: ImageSize,
  values: Float64Array,
  patchHeight: number,
  patchWidth: number,
  row: number,
  col: number,
  alpha = 1,
): MaskedTrigger {
  const { height, width, channels } = image;
  const mask = new Float32Array(height * width * channels);
  const pattern = new Float32Array(height * width * channels);
  for (let r = 0; r < patchHeight; r++) {
    for (let c = 0; c < patchWidth; c++) {
      for (let k = 0; k < channels; k++) {
        const dst = ((row + r) * width + col + c) * channels + k;
        mask[dst] = alpha;
        pattern[dst] = values[(r * patchWidth + c) * channels + k]!;
      }
    }
  }
  return { height, width, channels, mask, pattern };
}

export function checkImageSize(fn: string, size: ImageSize): void {
  if (typeof size !== 'object' || size === null) {
    throw invalid(`${fn}: size must be { height, width, channels }`);
  }
  assertInteger(fn, 'size.height', size.height, 1, 2 ** 31 - 1);
  assertInteger(fn, 'size.width', size.width, 1, 2 ** 31 - 1);
  assertInteger(fn, 'size.channels', size.channels, 1, 2 ** 31 - 1);
}
