import type { ImageDataset } from '@none/data';
import * as tf from '@tensorflow/tfjs-core';
import type { SignatureInput } from './detect-signature';

/** Images as the neighbour search compares them: average-pooled, flattened rows. */
export interface InputFeatures {
  n: number;
  /** Values per row. */
  d: number;
  /** Row-major `[n, d]`. */
  rows: Float32Array;
}

/**
 * Images (NHWC, float32 in [0, 1] or uint8) average-pooled so that neither side exceeds
 * `maxSide`: a coarse view of what an image shows, in which a few-pixel trigger moves an
 * image little. MNIST 28x28 becomes 14x14.
 */
export function inputFeatures(
  images: Float32Array | Uint8Array,
  shape: readonly number[],
  maxSide = 14,
): InputFeatures {
  const [n, h, w, c] = shape as [number, number, number, number];
  const fh = Math.ceil(h / maxSide);
  const fw = Math.ceil(w / maxSide);
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(
      images instanceof Uint8Array ? Float32Array.from(images) : images,
      [n, h, w, c],
    );
    if (images instanceof Uint8Array) x = tf.mul(x, 1 / 255);
    const pooled = fh > 1 || fw > 1 ? tf.avgPool(x, [fh, fw], [fh, fw], 'valid') : x;
    const d = pooled.shape.slice(1).reduce((a, b) => a * b, 1);
    return { n, d, rows: tf.reshape(pooled, [n, d]).dataSync() as Float32Array };
  });
}

/**
 * The `k` nearest rows (squared Euclidean) of each query row among the rows not excluded
 * (a query never counts as its own neighbour). Blockwise matrix products, so memory is
 * O(block x n). Returns row-major `[queries.length, k]` indices, nearest first.
 */
export function nearestNeighbours(
  features: InputFeatures,
  queries: ArrayLike<number>,
  k: number,
  exclude?: Uint8Array,
): Int32Array {
  const { n, d, rows } = features;
  const q = queries.length;
  const result = new Int32Array(q * k);
  if (q === 0) return result;
  const block = 256;
  const reference = tf.tensor2d(rows, [n, d]);
  const penalty = tf.tidy(() => {
    const norms = tf.sum(tf.square(reference), 1);
    return exclude ? tf.add(norms, tf.mul(tf.tensor1d(exclude, 'float32'), 1e30)) : norms;
  });
  try {
    for (let start = 0; start < q; start += block) {
      const size = Math.min(block, q - start);
      const ids = Int32Array.from({ length: size }, (_, t) => queries[start + t]!);
      // One neighbour more than asked: the query itself (distance 0) is dropped below.
      const found = tf.tidy(() => {
        const x = tf.gather(reference, tf.tensor1d(ids, 'int32'));
        // |r|^2 - 2 x.r ranks the rows like |x - r|^2 (|x|^2 is the same along a row).
        const distance = tf.sub(penalty, tf.mul(tf.matMul(x, reference, false, true), 2));
        return tf.topk(tf.neg(distance), Math.min(k + 1, n)).indices;
      });
      const ranked = found.dataSync() as Int32Array;
      const width = found.shape[1]!;
      found.dispose();
      for (let t = 0; t < size; t++) {
        let kept = 0;
        for (let j = 0; j < width && kept < k; j++) {
          const index = ranked[t * width + j]!;
          if (index !== ids[t]) result[(start + t) * k + kept++] = index;
        }
      }
    }
  } finally {
    reference.dispose();
    penalty.dispose();
  }
  return result;
}

/** Per query, the share of its neighbours whose label differs from the query's label. */
export function labelDisagreement(
  neighbours: Int32Array,
  queries: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
): Float64Array {
  const out = new Float64Array(queries.length);
  for (let t = 0; t < queries.length; t++) {
    const own = labels[queries[t]!];
    let differ = 0;
    for (let j = 0; j < k; j++) if (labels[neighbours[t * k + j]!] !== own) differ++;
    out[t] = differ / k;
  }
  return out;
}

/**
 * What the signature detection reads from input space for `dataset`: each sample's share of
 * its `k` nearest neighbours with another label, and, for a candidate group, that share over
 * the group's neighbours *outside the group* (at most 64 evenly spaced members asked: the
 * share is a mean).
 */
export function neighbourWitness(
  dataset: ImageDataset,
  k: number,
): Pick<SignatureInput, 'disagreement' | 'groupDisagreement'> {
  const n = dataset.shape[0];
  const features = inputFeatures(dataset.images, dataset.shape);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return {
    disagreement: labelDisagreement(nearestNeighbours(features, all, k), all, dataset.labels, k),
    groupDisagreement: (members) => {
      const exclude = new Uint8Array(n);
      for (const i of members) exclude[i] = 1;
      const step = Math.max(1, Math.floor(members.length / 64));
      const asked = members.filter((_, t) => t % step === 0).slice(0, 64);
      const shares = labelDisagreement(
        nearestNeighbours(features, asked, k, exclude),
        asked,
        dataset.labels,
        k,
      );
      return shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
    },
  };
}
