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
    const best = new TopK(k);
    for (let start = 0; start < q; start += block) {
      const size = Math.min(block, q - start);
      const ids = Int32Array.from({ length: size }, (_, t) => queries[start + t]!);
      const product = tf.tidy(() =>
        tf.matMul(tf.gather(points, tf.tensor1d(ids, 'int32')), reference, false, true),
      );
      const scores = product.dataSync() as Float32Array;
      product.dispose();
      for (let t = 0; t < size; t++) {
        best.select(scores, t * n, n, ids[t]!);
        best.write(result, (start + t) * k);
      }
    }
  } finally {
    points.dispose();
    reference.dispose();
  }
  return result;
}

/**
 * The indices of the `k` largest of a row of scores, largest first, ties to the lower
 * index (as `tf.topk`), one index skipped. A running insertion list: after the first `k`,
 * most scores fall below its least and cost one comparison, so this reads an 8,000-wide
 * row faster than `tf.topk` sorts it (measured on the 8,000 MNIST digits: 0.69 s instead of
 * 0.80 s for the whole search on one wasm thread, the same neighbours).
 */
class TopK {
  private readonly values: Float32Array;
  private readonly indices: Int32Array;
  private count = 0;

  constructor(private readonly k: number) {
    this.values = new Float32Array(k);
    this.indices = new Int32Array(k);
  }

  select(scores: Float32Array, offset: number, width: number, skip: number): void {
    const { k, values, indices } = this;
    let count = 0;
    let least = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < width; j++) {
      const value = scores[offset + j]!;
      if (j === skip || (count === k && value <= least)) continue;
      let p = count < k ? count++ : k - 1;
      while (p > 0 && values[p - 1]! < value) {
        values[p] = values[p - 1]!;
        indices[p] = indices[p - 1]!;
        p--;
      }
      values[p] = value;
      indices[p] = j;
      if (count === k) least = values[k - 1]!;
    }
    this.count = count;
  }

  /** The selected indices into `out` from `at` (fewer than `k` when the row was shorter). */
  write(out: Int32Array, at: number): void {
    out.set(this.indices.subarray(0, this.count), at);
  }
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
 * share is a mean), and that share per member of a set.
 */
export function neighbourWitness(
  dataset: ImageDataset,
  k: number,
): Pick<SignatureInput, 'disagreement' | 'groupDisagreement' | 'memberDisagreement'> {
  const n = dataset.shape[0];
  const features = reduceFeatures(inputFeatures(dataset.images, dataset.shape));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const outside = (set: Int32Array, asked: Int32Array) => {
    const exclude = new Uint8Array(n);
    for (const i of set) exclude[i] = 1;
    return labelDisagreement(
      nearestNeighbours(features, asked, k, exclude),
      asked,
      dataset.labels,
      k,
    );
  };
  return {
    disagreement: labelDisagreement(nearestNeighbours(features, all, k), all, dataset.labels, k),
    groupDisagreement: (members) => {
      const step = Math.max(1, Math.floor(members.length / 64));
      const shares = outside(members, members.filter((_, t) => t % step === 0).slice(0, 64));
      return shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
    },
    memberDisagreement: outside,
  };
}
