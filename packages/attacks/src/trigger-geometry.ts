import { assertInteger, assertNumber, invalid } from './_validate';

/** A corner or the centre of the image. */
export type TriggerAnchor = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'center';

/** Names of {@link TriggerAnchor}. */
export const TRIGGER_ANCHORS = [
  'top-left',
  'top-right',
  'bottom-left',
  'bottom-right',
  'center',
] as const satisfies readonly TriggerAnchor[];

/**
 * Where a patch goes: an anchor, or the `{ x, y }` (column, row) of its top-left pixel.
 */
export type TriggerPosition = TriggerAnchor | { x: number; y: number };

/**
 * A colour in [0, 1]: one value for every channel, or one per channel. An RGB triple on
 * a one-channel image is converted to its luma `0.299 R + 0.587 G + 0.114 B`.
 */
export type TriggerColor = number | readonly number[];

/**
 * An image given as a trigger pattern (watermark or blend), HWC, values in [0, 1].
 * It is resized (nearest neighbour) to the size the trigger needs.
 */
export interface TriggerImage {
  data: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
}

/** Row and column of the top-left pixel of a `patchHeight x patchWidth` patch. */
export function resolvePosition(
  fn: string,
  position: TriggerPosition,
  margin: number,
  patchHeight: number,
  patchWidth: number,
  height: number,
  width: number,
): { row: number; col: number } {
  assertInteger(fn, 'margin', margin, 0, 2 ** 31 - 1);
  if (patchHeight > height || patchWidth > width) {
    throw invalid(
      `${fn}: the trigger (${patchHeight}x${patchWidth}) is bigger than the image (${height}x${width})`,
    );
  }
  let row: number;
  let col: number;
  if (typeof position === 'object' && position !== null) {
    assertInteger(fn, 'position.x', position.x, 0, width - patchWidth);
    assertInteger(fn, 'position.y', position.y, 0, height - patchHeight);
    return { row: position.y, col: position.x };
  }
  switch (position) {
    case 'top-left':
      row = margin;
      col = margin;
      break;
    case 'top-right':
      row = margin;
      col = width - patchWidth - margin;
      break;
    case 'bottom-left':
      row = height - patchHeight - margin;
      col = margin;
      break;
    case 'bottom-right':
      row = height - patchHeight - margin;
      col = width - patchWidth - margin;
      break;
    case 'center':
      row = Math.floor((height - patchHeight) / 2);
      col = Math.floor((width - patchWidth) / 2);
      break;
    default:
      throw invalid(
        `${fn}: position must be one of ${TRIGGER_ANCHORS.map((a) => `'${a}'`).join(', ')} or { x, y }, got ${JSON.stringify(position)}`,
      );
  }
  if (row < 0 || col < 0) {
    throw invalid(
      `${fn}: the trigger (${patchHeight}x${patchWidth}) with margin ${margin} does not fit in the image (${height}x${width})`,
    );
  }
  return { row, col };
}

/** The colour as one value per channel. */
export function resolveColor(
  fn: string,
  name: string,
  color: TriggerColor,
  channels: number,
): Float64Array {
  const out = new Float64Array(channels);
  if (typeof color === 'number') {
    assertNumber(fn, name, color, 0, 1);
    out.fill(color);
    return out;
  }
  if (!Array.isArray(color)) {
    throw invalid(`${fn}: ${name} must be a number or an array of numbers in [0, 1]`);
  }
  color.forEach((v, i) => {
    assertNumber(fn, `${name}[${i}]`, v, 0, 1);
  });
  if (color.length === channels) {
    out.set(color);
  } else if (color.length === 1) {
    out.fill(color[0]!);
  } else if (color.length === 3 && channels === 1) {
    out[0] = 0.299 * color[0]! + 0.587 * color[1]! + 0.114 * color[2]!;
  } else {
    throw invalid(
      `${fn}: ${name} must have 1 or ${channels} values (one per channel), got ${color.length}`,
    );
  }
  return out;
}

/**
 * `image` resized (nearest neighbour) to `height x width x channels`: a one-channel image
 * is broadcast to every channel, and an RGB image on a one-channel target becomes its luma.
 */
export function resizeTriggerImage(
  fn: string,
  name: string,
  image: TriggerImage,
  height: number,
  width: number,
  channels: number,
): Float64Array {
  if (typeof image !== 'object' || image === null) {
    throw invalid(`${fn}: ${name} must be { data, height, width, channels }`);
  }
  assertInteger(fn, `${name}.height`, image.height, 1, 2 ** 31 - 1);
  assertInteger(fn, `${name}.width`, image.width, 1, 2 ** 31 - 1);
  assertInteger(fn, `${name}.channels`, image.channels, 1, 2 ** 31 - 1);
  const { data, height: ih, width: iw, channels: ic } = image;
  if (data?.length !== ih * iw * ic) {
    throw invalid(
      `${fn}: ${name}.data must have height * width * channels = ${ih * iw * ic} values, got ${data?.length}`,
    );
  }
  if (!(ic === channels || ic === 1 || (ic === 3 && channels === 1))) {
    throw invalid(`${fn}: ${name}.channels must be 1 or ${channels}, got ${ic}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw invalid(`${fn}: ${name}.data[${i}] must be a number in [0, 1], got ${v}`);
    }
  }
  const out = new Float64Array(height * width * channels);
  for (let r = 0; r < height; r++) {
    const sr = Math.min(ih - 1, Math.floor(((r + 0.5) * ih) / height));
    for (let c = 0; c < width; c++) {
      const sc = Math.min(iw - 1, Math.floor(((c + 0.5) * iw) / width));
      const src = (sr * iw + sc) * ic;
      const dst = (r * width + c) * channels;
      if (ic === channels) {
        for (let k = 0; k < channels; k++) out[dst + k] = data[src + k]!;
      } else if (ic === 1) {
        for (let k = 0; k < channels; k++) out[dst + k] = data[src]!;
      } else {
        out[dst] = 0.299 * data[src]! + 0.587 * data[src + 1]! + 0.114 * data[src + 2]!;
      }
    }
  }
  return out;
}
