import { AttackError } from './errors';
import type { ImageArray, ImageBatch, ImageDataset } from './types';

/** Sizes of a validated batch. */
export interface BatchDims {
  n: number;
  height: number;
  width: number;
  channels: number;
  /** `height * width * channels`. */
  imageSize: number;
}

export function invalid(message: string): AttackError {
  return new AttackError('E_INVALID_ARGUMENT', message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return value.constructor?.name ?? 'object';
  }
  return String(value);
}

export function assertInteger(fn: string, name: string, value: unknown, min: number, max: number) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
}

export function assertNumber(fn: string, name: string, value: unknown, min: number, max: number) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`${fn}: ${name} must be a number in [${min}, ${max}], got ${describe(value)}`);
  }
}

export function assertOneOf<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(
      `${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
}

export function assertSeed(fn: string, name: string, value: unknown) {
  assertInteger(fn, name, value, 0, 4294967295);
}

export function isImageArray(value: unknown): value is ImageArray {
  return value instanceof Float32Array || value instanceof Uint8Array;
}

/** Validates `images`/`shape` of a batch (length 3 or 4 shape) and returns its sizes. */
export function batchDims(fn: string, batch: ImageBatch, name = 'batch'): BatchDims {
  if (typeof batch !== 'object' || batch === null) {
    throw invalid(`${fn}: ${name} must be an object { images, shape }, got ${describe(batch)}`);
  }
  const { images, shape } = batch;
  if (!isImageArray(images)) {
    throw invalid(
      `${fn}: ${name}.images must be a Float32Array or a Uint8Array, got ${describe(images)}`,
    );
  }
  if (!Array.isArray(shape) || (shape.length !== 3 && shape.length !== 4)) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: ${name}.shape must be [n, height, width, channels] or [height, width, channels], got ${describe(shape)}`,
    );
  }
  for (const [i, d] of shape.entries()) {
    if (!Number.isInteger(d) || d < (shape.length === 4 && i === 0 ? 0 : 1)) {
      throw new AttackError(
        'E_SHAPE_MISMATCH',
        `${fn}: ${name}.shape must hold positive integers (n may be 0), got ${describe(shape)}`,
      );
    }
  }
  const [n, height, width, channels] = shape.length === 4 ? shape : [1, ...shape];
  const imageSize = height * width * channels;
  if (images.length !== n * imageSize) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: ${name}.images has ${images.length} values, expected ${n * imageSize} for shape ${describe(shape)}`,
    );
  }
  return { n, height, width, channels, imageSize };
}

/** Validates a labelled dataset (shape of length 4, labels in range) and returns its sizes. */
export function datasetDims(fn: string, dataset: ImageDataset, name = 'dataset'): BatchDims {
  const dims = batchDims(fn, dataset, name);
  if (dataset.shape.length !== 4) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: ${name}.shape must be [n, height, width, channels], got ${describe(dataset.shape)}`,
    );
  }
  assertInteger(fn, `${name}.numClasses`, dataset.numClasses, 1, 2 ** 31 - 1);
  const { labels, numClasses } = dataset;
  if (!(labels instanceof Int32Array)) {
    throw invalid(`${fn}: ${name}.labels must be an Int32Array, got ${describe(labels)}`);
  }
  if (labels.length !== dims.n) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: ${name}.labels has ${labels.length} values, expected ${dims.n} (shape[0])`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y < 0 || y >= numClasses) {
      throw invalid(
        `${fn}: ${name}.labels[${i}] must be in [0, ${numClasses - 1}] (numClasses = ${numClasses}), got ${y}`,
      );
    }
  }
  return dims;
}
