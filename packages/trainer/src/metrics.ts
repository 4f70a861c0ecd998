import type { ImageDataset } from '@none/data';
import type * as tf from '@tensorflow/tfjs-core';
import { argmaxRows, predictLogits } from './_batches';
import { TrainerError } from './errors';

/** Accuracy of predicted labels against true labels (a fraction in [0, 1]; 0 for no samples). */
export function accuracy(predicted: Int32Array, labels: Int32Array): number {
  if (predicted.length !== labels.length) {
    throw new TrainerError(
      'E_SHAPE_MISMATCH',
      `accuracy: ${predicted.length} predictions for ${labels.length} labels`,
    );
  }
  if (labels.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits += 1;
  return hits / labels.length;
}

/** Precision and recall of a removal against the known poisoned indices; null when unknown. */
export function detectionQuality(
  removed: ArrayLike<number>,
  poisoned: ArrayLike<number> | undefined,
): { precision: number | null; recall: number | null; truePositives: number | null } {
  if (poisoned === undefined) return { precision: null, recall: null, truePositives: null };
  const truth = new Set<number>(Array.from(poisoned));
  let truePositives = 0;
  for (let i = 0; i < removed.length; i++) if (truth.has(removed[i]!)) truePositives += 1;
  return {
    // Nothing removed: no false claim was made, so precision is 1 by convention.
    precision: removed.length === 0 ? 1 : truePositives / removed.length,
    recall: truth.size === 0 ? 1 : truePositives / truth.size,
    truePositives,
  };
}

/**
 * The two numbers of a backdoor evaluation: BA, the accuracy on the clean test set, and ASR,
 * the accuracy on the triggered test set whose labels are the attack's targets (as
 * `attackTestSet` of `@none/attacks` makes it; null without one).
 *
 * @example
 * ```ts
 * const { ba, asr } = await evaluateBackdoor(model, test, attackTestSet(test, attack).dataset);
 * ```
 */
export async function evaluateBackdoor(
  model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] },
  test: ImageDataset,
  triggered?: ImageDataset,
  options: { batchSize?: number } = {},
): Promise<{ ba: number; asr: number | null }> {
  const batchSize = options.batchSize ?? 512;
  const classes = test.numClasses;
  const ba = accuracy(
    argmaxRows(await predictLogits(model, test, batchSize), classes),
    test.labels,
  );
  const asr = triggered
    ? accuracy(
        argmaxRows(await predictLogits(model, triggered, batchSize), classes),
        triggered.labels,
      )
    : null;
  return { ba, asr };
}
