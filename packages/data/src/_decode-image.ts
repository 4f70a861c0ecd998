import type { OutputInfo, Sharp } from 'sharp';
import { mapWithConcurrency, readFileOrThrow } from './_files';
import { DataError } from './errors';

/** How an image is fitted to the target size (sharp's `fit`). */
export type ResizeFit = 'fill' | 'cover' | 'contain';

/** A rectangle in pixels, inclusive of `left`/`top`, `width` x `height` in size. */
export interface PixelRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface DecodeImageOptions {
  height: number;
  width: number;
  channels: 1 | 3;
  fit: ResizeFit;
  /** Checked against the decoded size before cropping; a function so it can name the CSV. */
  region?: (sourceWidth: number, sourceHeight: number) => PixelRegion;
}

/** A decoded PNM (P5 grey or P6 colour) image: 8-bit samples, interleaved. */
interface PnmImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

/**
 * Decodes a binary PNM (P6 colour PPM as used by GTSRB, P5 grey PGM). sharp's prebuilt
 * libvips has no PPM loader, so the (trivial) header is read here and the pixels are handed
 * to sharp as raw data for cropping and resizing.
 */
export function parsePnm(bytes: Uint8Array, file: string, caller: string): PnmImage {
  const fail = (code: 'E_DECODE' | 'E_TRUNCATED', what: string): never => {
    throw new DataError(code, `${caller}: ${file}: ${what}`, { file });
  };
  const channels = bytes[1] === 0x36 ? 3 : 1; // '6' or '5'
  let position = 2;
  const fields: number[] = [];
  while (fields.length < 3) {
    while (position < bytes.length) {
      const byte = bytes[position]!;
      if (WHITESPACE.has(byte)) position++;
      else if (byte === 0x23) {
        while (position < bytes.length && bytes[position] !== 0x0a) position++; // '#' comment
      } else break;
    }
    let value = 0;
    let digits = 0;
    while (position < bytes.length && bytes[position]! >= 0x30 && bytes[position]! <= 0x39) {
      value = value * 10 + bytes[position]! - 0x30;
      position++;
      digits++;
    }
    if (digits === 0) {
      fail(
        position >= bytes.length ? 'E_TRUNCATED' : 'E_DECODE',
        `PNM header: expected width, height and maximum value, got ${fields.length} of them`,
      );
    }
    fields.push(value);
  }
  const [width, height, maximum] = fields as [number, number, number];
  if (width < 1 || height < 1 || maximum < 1 || maximum > 65535) {
    fail('E_DECODE', `PNM header: bad size ${width}x${height} or maximum value ${maximum}`);
  }
  if (!WHITESPACE.has(bytes[position] ?? -1)) {
    fail('E_DECODE', 'PNM header: expected one whitespace byte before the pixels');
  }
  position++;
  const bytesPerSample = maximum < 256 ? 1 : 2;
  const samples = width * height * channels;
  const available = bytes.length - position;
  if (available < samples * bytesPerSample) {
    fail(
      'E_TRUNCATED',
      `expected ${samples * bytesPerSample} pixel bytes for ${width}x${height}x${channels}, got ${available}`,
    );
  }
  const pixels = new Uint8Array(samples);
  for (let i = 0; i < samples; i++) {
    const sample =
      bytesPerSample === 1
        ? bytes[position + i]!
        : (bytes[position + 2 * i]! << 8) | bytes[position + 2 * i + 1]!;
    pixels[i] = maximum === 255 ? sample : Math.round((Math.min(sample, maximum) * 255) / maximum);
  }
  return { width, height, channels, pixels };
}

type SharpFactory = typeof import('sharp').default;
let sharpModule: Promise<SharpFactory> | undefined;

/** sharp, loaded on first use: importing `@none/data` does not load the native module. */
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import('sharp').then((module) => module.default);
  return sharpModule;
}

function isPnm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x36);
}

/**
 * Reads an image file (PNG, JPEG, WebP, TIFF, GIF through sharp; binary PPM/PGM by hand),
 * optionally crops a region, resizes it to `height` x `width` and returns `channels`
 * interleaved 8-bit samples per pixel (alpha is flattened onto black).
 */
export async function decodeImageFile(
  file: string,
  options: DecodeImageOptions,
  caller: string,
): Promise<Uint8Array> {
  const bytes = await readFileOrThrow(file, caller);
  const sharp = await loadSharp();
  let image: Sharp;
  let sourceWidth: number;
  let sourceHeight: number;
  try {
    if (isPnm(bytes)) {
      const pnm = parsePnm(bytes, file, caller);
      image = sharp(pnm.pixels, {
        raw: { width: pnm.width, height: pnm.height, channels: pnm.channels },
      });
      sourceWidth = pnm.width;
      sourceHeight = pnm.height;
    } else {
      image = sharp(bytes, { failOn: 'error' });
      const metadata = await image.metadata();
      sourceWidth = metadata.autoOrient?.width ?? metadata.width;
      sourceHeight = metadata.autoOrient?.height ?? metadata.height;
      image = image.autoOrient();
    }
  } catch (error) {
    if (DataError.isInstance(error)) throw error;
    throw decodeError(file, caller, error);
  }
  if (options.region !== undefined) {
    image = image.extract(options.region(sourceWidth, sourceHeight));
  }
  const { height, width, channels } = options;
  image = image.resize({ width, height, fit: options.fit }).flatten({ background: '#000000' });
  image = channels === 1 ? image.grayscale() : image.toColourspace('srgb');
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(file, caller, error);
  }
  const { info, data } = output;
  if (info.width !== width || info.height !== height || info.channels !== channels) {
    throw new DataError(
      'E_DECODE',
      `${caller}: ${file}: decoded to ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x${channels}`,
      { file },
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

function decodeError(file: string, caller: string, error: unknown): DataError {
  return new DataError(
    'E_DECODE',
    `${caller}: ${file}: cannot decode the image (${(error as Error).message})`,
    { file, cause: error },
  );
}

/** Normalises `size` to `[height, width]`, checking it. Internal. */
export function resolveSize(size: number | [number, number], caller: string): [number, number] {
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: size must be a positive integer or [height, width], got ${JSON.stringify(size)}`,
    );
  }
  return [height, width];
}

/** Decodes `files` into one NHWC uint8 array, `concurrency` at a time. Internal. */
export async function decodeAll(
  files: readonly { file: string; region?: DecodeImageOptions['region'] }[],
  settings: { height: number; width: number; channels: 1 | 3; fit: ResizeFit; concurrency: number },
  caller: string,
): Promise<Uint8Array> {
  const { height, width, channels, fit, concurrency } = settings;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: concurrency must be a positive integer, got ${concurrency}`,
    );
  }
  const size = height * width * channels;
  const images = new Uint8Array(files.length * size);
  await mapWithConcurrency(files, concurrency, async (entry, index) => {
    const pixels = await decodeImageFile(
      entry.file,
      { height, width, channels, fit, region: entry.region },
      caller,
    );
    images.set(pixels, index * size);
  });
  return images;
}
