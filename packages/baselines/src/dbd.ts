import type { ImageDataset } from '@none/data';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type Context,
  checkState,
  decouple,
  initialStage,
  invalid,
  resolveOptions,
  stageEpochs,
  validate,
} from './_dbd-context';
import { fineTuneStage } from './_dbd-fine-tune';
import { headStage } from './_dbd-head';
import { selfSupervisedStage } from './_dbd-self-supervised';
import type { DbdOptions, DbdState } from './dbd-options';

export type { DigitAugmentOptions } from './_dbd-augment';
export { ntXentLoss } from './_dbd-contrastive';
export { splitByLoss } from './_dbd-split';
export {
  DBD_DEFAULTS,
  type DbdEvent,
  type DbdOptions,
  type DbdSplitRecord,
  type DbdStage,
  type DbdState,
} from './dbd-options';
export { symmetricCrossEntropy } from './symmetric-cross-entropy';

/**
 * DBD, "Backdoor Defense via Decoupling the Training Process", on a freshly built model:
 *
 * 1. **Self-supervised** (`selfSupervisedEpochs`): SimCLR on the training images without
 *    labels. Two views per image ({@link DBD_DEFAULTS}`.strongAugment`), backbone then a
 *    projection head `Dense(d, d)-ReLU-Dense(d, projectionDim)` (discarded afterwards),
 *    {@link ntXentLoss} at `temperature` over the 2N views of a batch.
 * 2. **Head** (`headEpochs`): the backbone frozen, the classifier head (the model's output
 *    Dense layer, from its initial weights) trained with the labels by the mean
 *    {@link symmetricCrossEntropy} (alpha 0.1, beta 1) on the backbone's features of the
 *    un-augmented images, computed once in inference mode.
 * 3. **Fine-tune** (`fineTuneEpochs`): the per-sample SCE losses of the whole model on the
 *    un-augmented training set split it ({@link splitByLoss}): the lowest `labeledFraction`
 *    (of every class, with `classBalancedSplit`) keep their labels, the rest are unlabeled. The whole model then trains with MixMatch:
 *    per batch of B labeled samples (one weak augmentation) and B unlabeled ones (K weak
 *    augmentations), the guessed label of an unlabeled image is the sharpened (T) mean of
 *    the model's K softmax outputs (inference mode, no gradient); the 3B inputs and targets
 *    are MixUp-ed with a permutation of themselves (lambda' = max(lambda, 1 - lambda),
 *    lambda ~ Beta(0.75, 0.75)); the loss is the cross-entropy on the labeled rows plus
 *    `lambda_u * ramp` times the mean squared error of the softmax on the unlabeled rows,
 *    the ramp going linearly from 0 to 1 over `rampUpEpochs`. With `resplitEachEpoch` the
 *    split is made again with the current model before every epoch, as DBD's code does.
 *
 * Differences from the paper, at this scale: the epoch counts (DBD: 1,000 SimCLR epochs at
 * batch 512, 10 head epochs, 190 MixMatch epochs of 1,024 iterations at batch 64); stage 1
 * uses the caller's optimizer without a schedule (DBD: SGD 0.4 with cosine decay; stages 2
 * and 3 use Adam at 2e-3 as DBD does); digit augmentations (shift, small rotation and zoom,
 * noise; no flips, crops of 20-100%, colour jitter or blur); the SimCLR loss averaged over
 * both views as anchors (DBD's code uses the first view as anchors); the head trained on
 * un-augmented features; the split made within every class by default
 * (`classBalancedSplit`; DBD splits globally); a stage-3 epoch is one pass over the labeled
 * part, and the unlabeled batches cycle through their own shuffle.
 *
 * Resuming: the model changes in place. A run killed after any `onCheckpoint` ends with the
 * same weights when a model of the same architecture gets the checkpointed weights (all of
 * `model.weights`, BatchNorm statistics included) and `runDbd` gets the same options with
 * `state` = the checkpointed state. `state` carries everything else: the projection head
 * (stage 1), the labeled set, the records and, mid-stage, the optimizer's state
 * (`state.optimizer`, Float32Arrays: store it beside the weights).
 *
 * @example
 * ```ts
 * const built = buildModel({ architecture: 'small-cnn', inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
 * const state = await runDbd(built.model, poisoned.dataset, {
 *   optimizer: { type: 'sgd', learningRate: 0.05 }, seed: 0,
 *   poisonedIndices: poisoned.poisonedIndices,
 * });
 * state.splits[0].poisonedInLabeled; // poisoned samples that kept their (wrong) label
 * ```
 * @returns the final state (`stage: 'done'`) with the per-epoch logs and the splits
 * @throws BaselineError `E_INVALID_ARGUMENT` for a bad option or a model without a Dense
 * output layer, `E_SHAPE_MISMATCH` when the images do not fit the model, `E_CHECKPOINT` for
 * a state that does not fit the options, `E_DIVERGED` for a non-finite loss
 * @see K. Huang, Y. Li, B. Wu, Z. Qin, K. Ren, "Backdoor defense via decoupling the training
 * process", ICLR 2022
 * @see D. Berthelot, N. Carlini, I. Goodfellow, N. Papernot, A. Oliver, C. Raffel, "MixMatch:
 * a holistic approach to semi-supervised learning", NeurIPS 2019
 */
export async function runDbd(
  model: tfl.LayersModel,
  dataset: ImageDataset,
  options: DbdOptions,
): Promise<DbdState> {
  const o = resolveOptions(options);
  validate(o, model, dataset);
  const n = dataset.shape[0];
  const poisoned = options.poisonedIndices ? new Set(Array.from(options.poisonedIndices)) : null;
  for (const index of poisoned ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw invalid(`runDbd: poisonedIndices must lie in [0, ${n}), got ${index}`);
    }
  }
  const parts = decouple(model);
  const state: DbdState = options.state
    ? structuredClone(options.state)
    : { stage: initialStage(o), epoch: 0, splits: [], history: [] };
  checkState(state, o, n);
  const context: Context = { model, dataset, o, options, state, parts, poisoned };
  while (state.stage !== 'done') {
    const stage = state.stage;
    await options.onEvent?.({ type: 'stage', stage, epochs: stageEpochs(o, stage) });
    if (stage === 'self-supervised') await selfSupervisedStage(context);
    else if (stage === 'head') await headStage(context);
    else await fineTuneStage(context);
  }
  return state;
}
