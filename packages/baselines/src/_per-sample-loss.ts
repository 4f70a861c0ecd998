import { type ImageDataset, subsetDataset } from '@none/data';
import { predictLogits } from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import { BaselineError } from './errors';

/**
 * Softmax cross-entropy of every row of row-major `[n, k]` logits against its label:
 * `logsumexp(z) - z[label]`, in float64 with the row maximum subtracted (finite for any
 * finite logits).
 */
export function crossEntropyRows(
  logits: Float32Array,
  labels: Int32Array,
  k: number,
): Float64Array {
  const n = labels.length;
  if (logits.length !== n * k) {
    throw new BaselineError(
      'E_SHAPE_MISMATCH',
      `crossEntropyRows: logits must hold labels.length * k = ${n} * ${k} values, got ${logits.length}`,
    );
  }
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const offset = i * k;
    let maximum = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) maximum = Math.max(maximum, logits[offset + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[offset + j]! - maximum);
    losses[i] = maximum + Math.log(sum) - logits[offset + labels[i]!]!;
  }
  return losses;
}

/**
 * The cross-entropy loss of every sample of a dataset (or of `indices` into it, in that
 * order) under a model in inference mode (BatchNorm on moving statistics, no dropout).
 */
export async function perSampleLoss(
  model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] },
  dataset: ImageDataset,
  options: { indices?: ArrayLike<number>; batchSize?: number } = {},
): Promise<Float64Array> {
  const subset = options.indices ? subsetDataset(dataset, options.indices) : dataset;
  const logits = await predictLogits(model, subset, options.batchSize ?? 512);
  return crossEntropyRows(logits, subset.labels, subset.numClasses);
}
