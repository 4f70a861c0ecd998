import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { isImageArray } from '../_validate';
import { AttackError } from '../errors';
import type { ImageBatch } from '../types';

/** Images accepted by the model-driven attacks: an NHWC float tensor or a typed-array batch. */
export type ModelImages = tf.Tensor4D | ImageBatch;

export function shapeError(message: string): AttackError {
  return new AttackError('E_SHAPE_MISMATCH', message);
}

function describeShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Checks that `model` looks like a tfjs LayersModel with a `[null, K]` output; returns K. */
export function checkModel(fn: string, model: LayersModel, name = 'model'): number {
  if (
    typeof model !== 'object' ||
    model === null ||
    typeof (model as { apply?: unknown }).apply !== 'function' ||
    !Array.isArray((model as { outputs?: unknown }).outputs)
  ) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: ${name} must be a tfjs LayersModel (tf.model or tf.sequential, built), got ${model === null ? 'null' : typeof model}`,
    );
  }
  if (model.outputs.length !== 1) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: ${name} must have exactly 1 output (the logits), got ${model.outputs.length}`,
    );
  }
  const outShape = model.outputs[0]!.shape;
  if (outShape.length !== 2 || typeof outShape[1] !== 'number' || outShape[1] < 2) {
    throw shapeError(
      `${fn}: ${name} must output logits of shape [null, K] with K >= 2, got ${describeShape(outShape)}`,
    );
  }
  return outShape[1];
}

/** Checks that images of `[h, w, c]` fit the model's input. */
export function checkInputFits(
  fn: string,
  model: LayersModel,
  dims: readonly [number, number, number],
  name = 'model',
): void {
  const inShape = model.inputs[0]?.shape;
  if (inShape === undefined || inShape.length !== 4) {
    throw shapeError(
      `${fn}: ${name} must take NHWC images (input shape [null, h, w, c]), got ${inShape === undefined ? 'no input' : describeShape(inShape)}`,
    );
  }
  for (let i = 0; i < 3; i++) {
    const expected = inShape[i + 1];
    if (expected !== null && expected !== undefined && expected !== dims[i]) {
      throw shapeError(
        `${fn}: images are ${dims.join('x')} but ${name} expects ${describeShape(inShape.slice(1))}`,
      );
    }
  }
}

/**
 * Turns images into a float32 NHWC tensor in [0, 1]. `owned` says whether the caller must
 * dispose it (typed arrays are copied into a new tensor; a given tensor is used as is).
 */
export function imagesToTensor(
  fn: string,
  images: ModelImages,
  name = 'images',
): { tensor: tf.Tensor4D; owned: boolean } {
  if (images instanceof tf.Tensor) {
    if (images.rank !== 4) {
      throw shapeError(
        `${fn}: ${name} must be a rank-4 NHWC tensor, got rank ${images.rank} (${describeShape(images.shape)})`,
      );
    }
    if (images.dtype !== 'float32') {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: ${name} must be a float32 tensor with values in [0, 1], got dtype ${images.dtype}`,
      );
    }
    return { tensor: images, owned: false };
  }
  if (typeof images !== 'object' || images === null || !isImageArray(images.images)) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: ${name} must be a float32 tf.Tensor4D or { images: Float32Array | Uint8Array, shape }`,
    );
  }
  const { shape } = images;
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw shapeError(
      `${fn}: ${name}.shape must be [n, height, width, channels], got ${Array.isArray(shape) ? describeShape(shape) : String(shape)}`,
    );
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (images.images.length !== size) {
    throw shapeError(
      `${fn}: ${name}.images has ${images.images.length} values, shape ${describeShape(shape)} needs ${size}`,
    );
  }
  const values = images.images instanceof Uint8Array ? toUnitFloat(images.images) : images.images;
  return { tensor: tf.tensor4d(values, shape, 'float32'), owned: true };
}

/** uint8 [0, 255] to float32 [0, 1]. */
export function toUnitFloat(values: Uint8Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / 255;
  return out;
}

/** Checks integer class labels in [0, K). */
export function checkLabels(
  fn: string,
  labels: Int32Array,
  n: number,
  numClasses: number,
  name = 'labels',
): void {
  if (!(labels instanceof Int32Array)) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: ${name} must be an Int32Array or an int32 tf.Tensor1D`,
    );
  }
  if (labels.length !== n) {
    throw shapeError(`${fn}: ${name} has ${labels.length} entries, images have ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < numClasses)) {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: ${name}[${i}] must be a class index in [0, ${numClasses}), got ${y}`,
      );
    }
  }
}

/** Logits of `model` on `x` (inference mode). */
export function logitsOf(model: LayersModel, x: tf.Tensor): tf.Tensor2D {
  return model.apply(x, { training: false }) as tf.Tensor2D;
}

/** Predicted classes of `model` on the images, computed in batches. */
export function predictClasses(
  model: LayersModel,
  images: tf.Tensor4D,
  batchSize: number,
): Int32Array {
  const n = images.shape[0];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const predicted = tf.tidy(() =>
      tf.argMax(logitsOf(model, tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1])), 1),
    );
    out.set(predicted.dataSync() as Int32Array, start);
    predicted.dispose();
  }
  return out;
}
