import type { ImageDataset } from '@none/data';
import { topEigenvectors } from '@none/stats';
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
  const pooled = tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(
      images instanceof Uint8Array ? Float32Array.from(images) : images,
      [n, h, w, c],
    );
    if (images instanceof Uint8Array) x = tf.mul(x, 1 / 255);
    const out = fh > 1 || fw > 1 ? tf.avgPool(x, [fh, fw], [fh, fw], 'valid') : x;
    return tf.reshape(out, [n, out.size / Math.max(1, n)]);
  });
  return { n, d: pooled.shape[1]!, rows: readAndDispose(pooled) };
}

/**
 * The values of a tensor, which is then disposed. Read outside `tf.tidy`: a typed array
 * returned from `tidy` is walked element by element for tensors to keep (about 1.6 µs per
 * distinct value: 0.65 s for the 8,000 x 64 reduced MNIST features).
 */
function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/**
 * Features on their top `components` principal axes (centred), fitted on at most `fitRows`
 * evenly spaced rows: distances between images keep most of their variance at a fraction of
 * the cost of the neighbour search (MNIST 14x14: 196 values to 64 keep 95.6% of the
 * variance; 90% of the 10 nearest neighbours stay the same). Features with at most
 * `components` values are returned as they are. The fit is `@none/stats`'
 * `principalComponents` done on the tensors (covariance and projection as matrix products)
 * with `topEigenvectors` for the axes: the float64 loops and full Jacobi decomposition of
 * `principalComponents` would cost about as much as the search they shorten.
 */
export function reduceFeatures(
  features: InputFeatures,
  components = 64,
  fitRows = 2000,
): InputFeatures {
  const { n, d, rows } = features;
  if (d <= components || n < 2) return features;
  const step = Math.max(1, Math.floor(n / fitRows));
  const fitted = Math.ceil(n / step);
  const reduced = tf.tidy(() => {
    const all = tf.tensor2d(rows, [n, d]);
    const sample = tf.gather(all, tf.range(0, n, step, 'int32'));
    const mean = tf.mean(sample, 0);
    const centred = tf.sub(sample, mean);
    const covariance = tf.div(tf.matMul(centred, centred, true, false), Math.max(1, fitted - 1));
    // Ten orthogonal iterations: the variance the span keeps has settled by then (MNIST
    // 14x14, 64 axes: 95.55% after 10, 95.57% at convergence), which is what distances need.
    const { vectors } = topEigenvectors(covariance.dataSync(), d, components, {
      maxIterations: 10,
    });
    const axes = tf.tensor2d(Float32Array.from(vectors), [components, d]);
    return tf.matMul(tf.sub(all, mean), axes, false, true);
  });
  return { n, d: components, rows: readAndDispose(reduced) };
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
  // 2 x.r - |r|^2 ranks the rows like -|x - r|^2 (|x|^2 is the same along a row): one matrix
  // product of [x, 1] with [2r, -|r|^2 - penalty] gives it, and excluded rows rank last.
  const [points, reference] = tf.tidy(() => {
    const r = tf.tensor2d(rows, [n, d]);
    let norms = tf.sum(tf.square(r), 1, true);
    if (exclude) norms = tf.add(norms, tf.mul(tf.tensor2d(exclude, [n, 1], 'float32'), 1e30));
    return [tf.concat([r, tf.ones([n, 1])], 1), tf.concat([tf.mul(r, 2), tf.neg(norms)], 1)];
  });
  try {
    for (let start = 0; start < q; start += block) {
      const size = Math.min(block, q - start);
      const ids = Int32Array.from({ length: size }, (_, t) => queries[start + t]!);
      // One neighbour more than asked: the query itself (distance 0) is dropped below.
      const found = tf.tidy(() => {
        const x = tf.gather(points, tf.tensor1d(ids, 'int32'));
        return tf.topk(tf.matMul(x, reference, false, true), Math.min(k + 1, n)).indices;
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
    points.dispose();
    reference.dispose();
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
 * What the signature detection reads from input space for `dataset` (its images pooled to
 * at most 14x14, on their top 64 principal axes): each sample's share of its `k` nearest
 * neighbours with another label, and, for a candidate group, that share over
 * the group's neighbours *outside the group* (at most 64 evenly spaced members asked: the
 * share is a mean).
 */
export function neighbourWitness(
  dataset: ImageDataset,
  k: number,
): Pick<SignatureInput, 'disagreement' | 'groupDisagreement'> {
  const n = dataset.shape[0];
  const features = reduceFeatures(inputFeatures(dataset.images, dataset.shape));
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
