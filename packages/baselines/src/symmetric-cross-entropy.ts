import * as tf from '@tensorflow/tfjs-core';
import { BaselineError } from './errors';

/**
 * Symmetric cross-entropy per sample: `alpha * CE + beta * RCE` with CE the softmax
 * cross-entropy of the logits against the labels and RCE the reverse cross-entropy
 * `-sum_k p_k log q_k`, p the softmax clamped to [1e-7, 1] and q the one-hot label clamped to
 * [1e-4, 1] (as in Wang et al.'s and DBD's code), so `RCE = -log(1e-4) * sum_{k != y} p_k`
 * for unclamped p. Differentiable; returns a [N] tensor the caller disposes.
 *
 * @example
 * ```ts
 * const loss = symmetricCrossEntropy(tf.tensor2d([[0, 0]]), tf.tensor1d([0], 'int32'), 0.1, 1);
 * // 0.1 * ln 2 + 0.5 * ln(1e4) = 4.6745
 * ```
 * @throws BaselineError `E_SHAPE_MISMATCH` for logits that are not [N, K] with N labels
 * @see Y. Wang, X. Ma, Z. Chen, Y. Luo, J. Yi, J. Bailey, "Symmetric cross entropy for robust
 * learning with noisy labels", ICCV 2019
 */
export function symmetricCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  alpha: number,
  beta: number,
): tf.Tensor1D {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new BaselineError(
      'E_SHAPE_MISMATCH',
      `symmetricCrossEntropy: expected [N, K] logits and N labels, got [${logits.shape}] and [${labels.shape}]`,
    );
  }
  return tf.tidy(() => {
    const oneHot = tf.cast(
      tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, logits.shape[1]!),
      'float32',
    );
    const crossEntropy = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits, 1)), 1));
    const probabilities = tf.clipByValue(tf.softmax(logits, 1), 1e-7, 1);
    const reverse = tf.neg(
      tf.sum(tf.mul(probabilities, tf.log(tf.clipByValue(oneHot, 1e-4, 1))), 1),
    );
    return tf.add(tf.mul(crossEntropy, alpha), tf.mul(reverse, beta)) as tf.Tensor1D;
  });
}
