import { gatherBatch, range } from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { type Context, invalid } from './_dbd-context';
import type { DbdSplitRecord } from './dbd-options';
import { symmetricCrossEntropy } from './symmetric-cross-entropy';

/**
 * DBD's split of the training set: the `floor(labeledFraction * n)` samples with the lowest
 * loss are labeled, the rest unlabeled. With `labels`, the split is made within every class
 * instead (`floor(labeledFraction * n_c)` of each class c), so that no class loses all its
 * labeled samples. Ties go to the lower index; NaN losses count as the highest. Both lists
 * are ascending.
 *
 * @example
 * ```ts
 * splitByLoss([0.3, 2.0, 0.1, 5.0], 0.5); // labeled [0, 2], unlabeled [1, 3]
 * splitByLoss([0.3, 2.0, 0.1, 5.0], 0.5, [0, 0, 1, 1]); // labeled [0, 2], unlabeled [1, 3]
 * ```
 * @throws BaselineError `E_INVALID_ARGUMENT` for a fraction outside [0, 1] or labels of
 * another length than the losses
 */
export function splitByLoss(
  losses: ArrayLike<number>,
  labeledFraction: number,
  labels?: ArrayLike<number>,
): { labeled: Int32Array; unlabeled: Int32Array } {
  if (!(labeledFraction >= 0 && labeledFraction <= 1)) {
    throw invalid(`splitByLoss: labeledFraction must be in [0, 1], got ${labeledFraction}`);
  }
  const n = losses.length;
  if (labels && labels.length !== n) {
    throw invalid(`splitByLoss: labels must have one entry per loss (${n}), got ${labels.length}`);
  }
  const key = (i: number) => {
    const value = losses[i]!;
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const group = labels ? labels[i]! : 0;
    const members = groups.get(group);
    if (members) members.push(i);
    else groups.set(group, [i]);
  }
  const labeled: number[] = [];
  const unlabeled: number[] = [];
  for (const members of groups.values()) {
    const count = Math.floor(members.length * labeledFraction + 1e-9);
    members.sort((a, b) => key(a) - key(b) || a - b);
    labeled.push(...members.slice(0, count));
    unlabeled.push(...members.slice(count));
  }
  return { labeled: Int32Array.from(labeled).sort(), unlabeled: Int32Array.from(unlabeled).sort() };
}

/** Per-sample SCE losses of the whole model on the un-augmented training set. */
async function sampleLosses(context: Context): Promise<Float32Array> {
  const { model, dataset, o } = context;
  const [n, h, w, c] = dataset.shape;
  const all = range(n);
  const losses = new Float32Array(n);
  for (let start = 0; start < n; start += o.evaluationBatchSize) {
    const end = Math.min(n, start + o.evaluationBatchSize);
    const { images, labels } = gatherBatch(dataset, all, start, end);
    const batchLosses = tf.tidy(() => {
      const logits = model.predict(tf.tensor4d(images, [end - start, h, w, c])) as tf.Tensor;
      return symmetricCrossEntropy(logits, tf.tensor1d(labels, 'int32'), o.sceAlpha, o.sceBeta);
    });
    losses.set(await batchLosses.data(), start);
    batchLosses.dispose();
  }
  return losses;
}

export async function split(context: Context): Promise<Int32Array> {
  const { o, options, state, poisoned } = context;
  const started = performance.now();
  const losses = await sampleLosses(context);
  const { labeled, unlabeled } = splitByLoss(
    losses,
    o.labeledFraction,
    o.classBalancedSplit ? context.dataset.labels : undefined,
  );
  let threshold = Number.NEGATIVE_INFINITY;
  let poisonedInLabeled = 0;
  for (const index of labeled) {
    threshold = Math.max(threshold, losses[index]!);
    if (poisoned?.has(index)) poisonedInLabeled += 1;
  }
  const record: DbdSplitRecord = {
    epoch: state.epoch,
    labeled: labeled.length,
    unlabeled: unlabeled.length,
    lossThreshold: threshold,
    poisonedInLabeled: poisoned ? poisonedInLabeled : null,
    poisonedShareOfLabeled:
      poisoned && labeled.length > 0 ? poisonedInLabeled / labeled.length : null,
    poisonedRecall:
      poisoned && poisoned.size > 0 ? (poisoned.size - poisonedInLabeled) / poisoned.size : null,
    milliseconds: performance.now() - started,
  };
  state.splits.push(record);
  state.labeled = Array.from(labeled);
  await options.onEvent?.({ type: 'split', record });
  return labeled;
}
