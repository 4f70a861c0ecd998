import type { ImageDataset } from '@none/data';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Copies the samples `indices[start..end)` of a dataset into a float32 NHWC buffer (uint8
 * images are scaled to [0, 1]) and returns it with their labels.
 */
export function gatherBatch(
  dataset: ImageDataset,
  indices: ArrayLike<number>,
  start: number,
  end: number,
): { images: Float32Array; labels: Int32Array } {
  const [, h, w, c] = dataset.shape;
  const size = h * w * c;
  const count = end - start;
  const images = new Float32Array(count * size);
  const labels = new Int32Array(count);
  const source = dataset.images;
  const scale = source instanceof Uint8Array ? 1 / 255 : 1;
  for (let b = 0; b < count; b++) {
    const index = indices[start + b]!;
    labels[b] = dataset.labels[index]!;
    const offset = index * size;
    if (scale === 1) images.set(source.subarray(offset, offset + size), b * size);
    else for (let p = 0; p < size; p++) images[b * size + p] = source[offset + p]! * scale;
  }
  return { images, labels };
}

/** The indices of `[0, n)` that are not in `removed`, ascending. */
export function keptIndices(n: number, removed: Iterable<number>): Int32Array {
  const drop = removed instanceof Set ? (removed as Set<number>) : new Set(removed);
  return range(n).filter((i) => !drop.has(i));
}

/** An identity permutation `[0, n)`. */
export function range(n: number): Int32Array {
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) result[i] = i;
  return result;
}

/** Logits of a model for every sample of a dataset, in inference mode, row-major `[n, K]`. */
export async function predictLogits(
  model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] },
  dataset: ImageDataset,
  batchSize = 512,
): Promise<Float32Array> {
  const [n, h, w, c] = dataset.shape;
  const all = range(n);
  let output: Float32Array | undefined;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const { images } = gatherBatch(dataset, all, start, end);
    const logits = tf.tidy(() => {
      const result = model.predict(tf.tensor4d(images, [end - start, h, w, c]));
      return Array.isArray(result) ? result[0]! : result;
    });
    const values = (await logits.data()) as Float32Array;
    const classes = logits.shape[1]!;
    logits.dispose();
    output ??= new Float32Array(n * classes);
    output.set(values, start * classes);
  }
  return output ?? new Float32Array(0);
}

/** Row-wise argmax of row-major `[n, k]` scores. */
export function argmaxRows(scores: Float32Array, k: number): Int32Array {
  const n = scores.length / k;
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (scores[i * k + j]! > scores[i * k + best]!) best = j;
    result[i] = best;
  }
  return result;
}
