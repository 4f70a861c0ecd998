import { createRandom, type ImageDataset } from '@none/data';
import { setDropoutStep } from '@none/models';
import {
  createOptimizer,
  type EpochLogs,
  epochBatches,
  epochOrder,
  epochSeed,
  gatherBatch,
  type Optimizer,
  type OptimizerOptions,
  type OptimizerState,
  range,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { augmentDigits, checkDigitAugment, type DigitAugmentOptions } from './_dbd-augment';
import {
  createProjectionHead,
  ntXentLogits,
  type ProjectionHead,
  positiveIndices,
} from './_dbd-contrastive';
import { mixUp, sharpen } from './_dbd-mixmatch';
import { BaselineError } from './errors';

export type { DigitAugmentOptions } from './_dbd-augment';
export { ntXentLoss } from './_dbd-contrastive';

/** The stages of DBD, in order; `done` after the last. */
export type DbdStage = 'self-supervised' | 'head' | 'fine-tune' | 'done';

/**
 * Defaults of {@link runDbd}: DBD's loss settings (NT-Xent temperature 0.5, SCE alpha 0.1 and
 * beta 1, 50% labeled, MixMatch T = 0.5, alpha = 0.75, K = 2, lambda_u = 15) with epoch
 * counts cut to the embedded-MNIST budget (about 13 plain epochs of compute in all; DBD runs
 * 1,000 SimCLR epochs, 10 head epochs and 190 MixMatch epochs of 1,024 iterations).
 */
export const DBD_DEFAULTS = Object.freeze({
  /** Stage 1: SimCLR epochs over all training images (each costs about 2 plain epochs). */
  selfSupervisedEpochs: 3,
  /** Stage 2: epochs of the classifier head on the frozen backbone's features (cheap). */
  headEpochs: 5,
  /** Stage 3: semi-supervised epochs (each visits the labeled part once). */
  fineTuneEpochs: 3,
  batchSize: 128,
  /** NT-Xent temperature. */
  temperature: 0.5,
  /** Output size of the projection head (its hidden layer is as wide as the features). */
  projectionDim: 128,
  /** SCE weight of the cross-entropy. */
  sceAlpha: 0.1,
  /** SCE weight of the reverse cross-entropy. */
  sceBeta: 1,
  /** Fraction of the training set, lowest SCE loss first, kept labeled in stage 3. */
  labeledFraction: 0.5,
  /** Split again before every stage-3 epoch with the current model (DBD's code); else once. */
  resplitEachEpoch: true,
  /**
   * Split within every class (by the given label) instead of over the whole set (DBD). On by
   * default: at this scale the global split starves the hard classes (measured on the
   * embedded MNIST: 41 of 749 nines labeled, none after a re-split) and the BA collapses.
   */
  classBalancedSplit: true,
  /** MixMatch: sharpening temperature of the guessed labels. */
  sharpenTemperature: 0.5,
  /** MixMatch: MixUp's Beta(alpha, alpha). */
  mixUpAlpha: 0.75,
  /** MixMatch: weight of the unlabeled (squared-error) term after the ramp-up. */
  lambdaU: 15,
  /** MixMatch: augmentations K averaged per unlabeled image to guess its label. */
  augmentations: 2,
  /** Stage 1 augmentation (SimCLR's two views). */
  strongAugment: Object.freeze({ padding: 3, rotation: 15, scale: 0.15, noise: 0.1 }),
  /** Stage 3 augmentation (labeled and unlabeled images). */
  weakAugment: Object.freeze({ padding: 2, rotation: 0, scale: 0, noise: 0 }),
  /** Optimizer of stage 2 (DBD: Adam, learning rate 0.002). */
  headOptimizer: Object.freeze({ type: 'adam', learningRate: 0.002 }) as Readonly<OptimizerOptions>,
  /** Optimizer of stage 3 (DBD: Adam, learning rate 0.002). */
  fineTuneOptimizer: Object.freeze({
    type: 'adam',
    learningRate: 0.002,
  }) as Readonly<OptimizerOptions>,
  /** Batch size of the inference passes (features, per-sample losses, label guesses). */
  evaluationBatchSize: 512,
});

/** One low-loss split of stage 3 (report.json material). */
export interface DbdSplitRecord {
  /** Stage-3 epoch this split was made for. */
  epoch: number;
  labeled: number;
  unlabeled: number;
  /** The largest SCE loss in the labeled part. */
  lossThreshold: number;
  /** Known poisoned samples that landed in the labeled part; null without `poisonedIndices`. */
  poisonedInLabeled: number | null;
  /** `poisonedInLabeled / labeled`: the poisoned share of the labeled part; null when unknown. */
  poisonedShareOfLabeled: number | null;
  /** Of the poisoned samples, the share kept unlabeled (labels dropped); null when unknown. */
  poisonedRecall: number | null;
  milliseconds: number;
}

/** Serializable progress of {@link runDbd}: what a checkpoint stores (with the model's weights). */
export interface DbdState {
  stage: DbdStage;
  /** Epochs completed in `stage`. */
  epoch: number;
  /**
   * The projection head's weights (kernel 1, bias 1, kernel 2, bias 2) while in stage 1;
   * JSON-safe numbers that restore float32 exactly.
   */
  projectionHead?: number[][];
  /** Labeled training indices of the latest split, ascending (stage 3). */
  labeled?: number[];
  splits: DbdSplitRecord[];
  history: Array<EpochLogs & { stage: Exclude<DbdStage, 'done'> }>;
  /** The optimizer of the current stage, mid-stage (persist it beside the weights). */
  optimizer?: OptimizerState;
}

export type DbdEvent =
  | { type: 'stage'; stage: Exclude<DbdStage, 'done'>; epochs: number }
  | { type: 'epoch'; stage: Exclude<DbdStage, 'done'>; logs: EpochLogs }
  | { type: 'batch'; stage: Exclude<DbdStage, 'done'>; batch: number; batches: number }
  | { type: 'split'; record: DbdSplitRecord };

/** Options of {@link runDbd}; every field but `optimizer` and `seed` defaults to {@link DBD_DEFAULTS}. */
export interface DbdOptions {
  /** Optimizer of stage 1, SimCLR (DBD: SGD, momentum 0.9, learning rate 0.4 at batch 512). */
  optimizer: OptimizerOptions;
  /** Optimizer of stage 2. @default DBD_DEFAULTS.headOptimizer (Adam, 0.002) */
  headOptimizer?: OptimizerOptions;
  /** Optimizer of stage 3. @default DBD_DEFAULTS.fineTuneOptimizer (Adam, 0.002) */
  fineTuneOptimizer?: OptimizerOptions;
  /** Seed of every random choice (shuffles, augmentations, projection head, MixUp, dropout). */
  seed: number;
  batchSize?: number;
  selfSupervisedEpochs?: number;
  headEpochs?: number;
  fineTuneEpochs?: number;
  temperature?: number;
  projectionDim?: number;
  sceAlpha?: number;
  sceBeta?: number;
  labeledFraction?: number;
  resplitEachEpoch?: boolean;
  classBalancedSplit?: boolean;
  sharpenTemperature?: number;
  mixUpAlpha?: number;
  lambdaU?: number;
  /** Stage-3 epochs over which lambda_u ramps up linearly from 0. @default fineTuneEpochs */
  rampUpEpochs?: number;
  augmentations?: number;
  strongAugment?: DigitAugmentOptions;
  weakAugment?: DigitAugmentOptions;
  evaluationBatchSize?: number;
  /** Poisoned training indices, when known: how many land in the labeled part. */
  poisonedIndices?: ArrayLike<number>;
  /** Continue from a checkpoint (with the model's weights restored by the caller). */
  state?: DbdState;
  /** Called after every epoch of every stage with the state to persist. */
  onCheckpoint?: (state: DbdState) => void | Promise<void>;
  onEvent?: (event: DbdEvent) => void | Promise<void>;
}

type Resolved = Required<
  Omit<DbdOptions, 'poisonedIndices' | 'state' | 'onCheckpoint' | 'onEvent'>
>;

const SELF_SUPERVISED_SALT = 0x73696d63;
const HEAD_SALT = 0x68656164;
const FINE_TUNE_SALT = 0x6d69786d;
const PROJECTION_SALT = 0x70726f6a;
const STAGES: readonly DbdStage[] = ['self-supervised', 'head', 'fine-tune', 'done'];

function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

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

function resolveOptions(options: DbdOptions): Resolved {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as DbdOptions;
  const fineTuneEpochs = defined.fineTuneEpochs ?? DBD_DEFAULTS.fineTuneEpochs;
  const resolved = {
    ...DBD_DEFAULTS,
    rampUpEpochs: fineTuneEpochs,
    ...defined,
  } as Resolved & Partial<DbdOptions>;
  delete resolved.poisonedIndices;
  delete resolved.state;
  delete resolved.onCheckpoint;
  delete resolved.onEvent;
  return resolved;
}

function validate(o: Resolved, model: tfl.LayersModel, dataset: ImageDataset): void {
  const caller = 'runDbd';
  const integers: Array<[string, number, number]> = [
    ['selfSupervisedEpochs', o.selfSupervisedEpochs, 0],
    ['headEpochs', o.headEpochs, 0],
    ['fineTuneEpochs', o.fineTuneEpochs, 0],
    ['batchSize', o.batchSize, 1],
    ['projectionDim', o.projectionDim, 1],
    ['augmentations', o.augmentations, 1],
    ['evaluationBatchSize', o.evaluationBatchSize, 1],
  ];
  for (const [name, value, min] of integers) {
    if (!Number.isInteger(value) || value < min) {
      throw invalid(`${caller}: ${name} must be an integer >= ${min}, got ${value}`);
    }
  }
  const positives: Array<[string, number]> = [
    ['temperature', o.temperature],
    ['sharpenTemperature', o.sharpenTemperature],
    ['mixUpAlpha', o.mixUpAlpha],
  ];
  for (const [name, value] of positives) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw invalid(`${caller}: ${name} must be a finite number > 0, got ${value}`);
    }
  }
  const nonNegatives: Array<[string, number]> = [
    ['sceAlpha', o.sceAlpha],
    ['sceBeta', o.sceBeta],
    ['lambdaU', o.lambdaU],
    ['rampUpEpochs', o.rampUpEpochs],
  ];
  for (const [name, value] of nonNegatives) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw invalid(`${caller}: ${name} must be a finite number >= 0, got ${value}`);
    }
  }
  if (!(o.labeledFraction > 0 && o.labeledFraction <= 1)) {
    throw invalid(`${caller}: labeledFraction must be in (0, 1], got ${o.labeledFraction}`);
  }
  if (!Number.isSafeInteger(o.seed)) {
    throw invalid(`${caller}: seed must be a safe integer, got ${o.seed}`);
  }
  checkDigitAugment(caller, 'strongAugment', o.strongAugment);
  checkDigitAugment(caller, 'weakAugment', o.weakAugment);
  const [, h, w, c] = dataset.shape;
  const expected = model.inputs[0]!.shape.slice(1);
  if (expected.length !== 3 || expected[0] !== h || expected[1] !== w || expected[2] !== c) {
    throw new BaselineError(
      'E_SHAPE_MISMATCH',
      `${caller}: dataset images are ${h}x${w}x${c}, the model expects [${expected.join(', ')}]`,
    );
  }
}

/**
 * The classifier head (the model's output layer, which must be Dense) and the backbone (a
 * model from the input to the head's input, sharing the layers and weights).
 */
function decouple(model: tfl.LayersModel): {
  head: tfl.layers.Layer;
  backbone: tfl.LayersModel;
  features: number;
} {
  const head = model.layers[model.layers.length - 1]!;
  const isOutput = model.outputs.length === 1 && model.outputs[0] === head.output;
  if (head.getClassName() !== 'Dense' || !isOutput) {
    throw invalid(
      `runDbd: the model's output layer must be the Dense classifier head, got ${head.getClassName()} '${head.name}' (NiN ends in global pooling and has no linear head)`,
    );
  }
  const input = head.input as tfl.SymbolicTensor;
  const backbone = tfl.model({ inputs: model.inputs, outputs: input });
  return { head, backbone, features: Number(input.shape[input.shape.length - 1]) };
}

function initialStage(o: Resolved, from = 0): DbdStage {
  const epochs = [o.selfSupervisedEpochs, o.headEpochs, o.fineTuneEpochs];
  for (let s = from; s < 3; s++) if (epochs[s]! > 0) return STAGES[s]!;
  return 'done';
}

function stageEpochs(o: Resolved, stage: DbdStage): number {
  if (stage === 'self-supervised') return o.selfSupervisedEpochs;
  if (stage === 'head') return o.headEpochs;
  if (stage === 'fine-tune') return o.fineTuneEpochs;
  return 0;
}

function checkState(state: DbdState, o: Resolved, n: number): void {
  if (!STAGES.includes(state.stage)) {
    throw new BaselineError('E_CHECKPOINT', `runDbd: unknown stage '${String(state.stage)}'`);
  }
  const epochs = stageEpochs(o, state.stage);
  if (state.stage !== 'done' && !(Number.isInteger(state.epoch) && state.epoch < epochs)) {
    throw new BaselineError(
      'E_CHECKPOINT',
      `runDbd: the state is at epoch ${state.epoch} of stage '${state.stage}', which has ${epochs} epochs; resume with the options the run started with`,
    );
  }
  for (const index of state.labeled ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new BaselineError(
        'E_CHECKPOINT',
        `runDbd: state.labeled must hold indices in [0, ${n}), got ${index}`,
      );
    }
  }
}

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

interface Context {
  model: tfl.LayersModel;
  dataset: ImageDataset;
  o: Resolved;
  options: DbdOptions;
  state: DbdState;
  parts: ReturnType<typeof decouple>;
  poisoned: Set<number> | null;
}

function stageOptimizer(
  context: Context,
  variables: tf.Variable[],
  options: OptimizerOptions,
): Optimizer {
  const { state } = context;
  let optimizer: Optimizer | undefined;
  // The tidy frees the zero tensors the slot variables are made from.
  tf.tidy(() => {
    optimizer = createOptimizer(variables, options);
  });
  if (state.epoch > 0 && state.optimizer) optimizer!.setState(state.optimizer);
  return optimizer!;
}

/** Records an epoch, moves to the next stage after the last one, and checkpoints. */
async function finishEpoch(
  context: Context,
  logs: EpochLogs,
  optimizer: Optimizer,
  extra?: () => void,
): Promise<boolean> {
  const { state, o, options } = context;
  const stage = state.stage as Exclude<DbdStage, 'done'>;
  state.history.push({ stage, ...logs });
  state.epoch += 1;
  await options.onEvent?.({ type: 'epoch', stage, logs });
  const finished = state.epoch >= stageEpochs(o, stage);
  if (finished) {
    state.stage = initialStage(o, STAGES.indexOf(stage) + 1);
    state.epoch = 0;
    delete state.optimizer;
    delete state.projectionHead;
  } else {
    state.optimizer = optimizer.getState();
    extra?.();
  }
  await options.onCheckpoint?.(state);
  return finished;
}

function checkLoss(loss: number, stage: string, epoch: number, batch: number): void {
  if (!Number.isFinite(loss)) {
    throw new BaselineError(
      'E_DIVERGED',
      `runDbd: the ${stage} loss became ${loss} at epoch ${epoch}, batch ${batch}; lower the learning rate`,
    );
  }
}

async function selfSupervisedStage(context: Context): Promise<void> {
  const { model, dataset, o, options, state, parts } = context;
  const [n, h, w, c] = dataset.shape;
  const projection: ProjectionHead = createProjectionHead(
    parts.features,
    parts.features,
    o.projectionDim,
    epochSeed(o.seed ^ PROJECTION_SALT, 0),
  );
  if (state.projectionHead) projection.setWeights(state.projectionHead);
  const headWeights = new Set(parts.head.trainableWeights.map((weight) => weight.read().id));
  const backboneVariables = model.trainableWeights
    .map((weight) => weight.read() as tf.Variable)
    .filter((variable) => !headWeights.has(variable.id));
  const variables = [...backboneVariables, ...projection.variables];
  const optimizer = stageOptimizer(context, variables, o.optimizer);
  const salt = o.seed ^ SELF_SUPERVISED_SALT;
  try {
    for (;;) {
      const epoch = state.epoch;
      const started = performance.now();
      let lossSum = 0;
      let hits = 0;
      for (const { batch, batches, size, images } of epochBatches(dataset, range(n), {
        seed: salt,
        epoch,
        batchSize: o.batchSize,
      })) {
        const shape = [size, h, w, c] as const;
        const views = new Float32Array(2 * images.length);
        for (let v = 0; v < 2; v++) {
          const seed = epochSeed(salt, epoch, 2 * batch + v + 1);
          views.set(augmentDigits(images, shape, { ...o.strongAugment, seed }), v * images.length);
        }
        setDropoutStep(model, epochSeed(salt, epoch, 2 * batch + 0x40000000));
        const x = tf.tensor4d(views, [2 * size, h, w, c]);
        let logits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const features = parts.backbone.apply(x, { training: true }) as tf.Tensor;
          const z = projection.apply(features);
          const similarity = ntXentLogits(
            tf.slice(z, [0, 0], [size, -1]),
            tf.slice(z, [size, 0], [size, -1]),
            o.temperature,
          );
          logits = tf.keep(similarity);
          const positives = tf.oneHot(positiveIndices(size), 2 * size);
          return tf.neg(
            tf.mean(tf.sum(tf.mul(positives, tf.logSoftmax(similarity, 1)), 1)),
          ) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        const loss = (await value.data())[0]!;
        const retrieved = tf.tidy(() =>
          tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), positiveIndices(size)), 'int32')),
        );
        hits += (await retrieved.data())[0]!;
        tf.dispose([x, value, logits!, retrieved, ...Object.values(grads)]);
        checkLoss(loss, 'self-supervised', epoch, batch);
        lossSum += loss * size;
        await options.onEvent?.({ type: 'batch', stage: 'self-supervised', batch, batches });
      }
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / n,
        // Top-1 retrieval: anchors whose most similar other view is their positive.
        accuracy: hits / (2 * n),
        learningRate: optimizer.learningRate,
        samples: n,
        milliseconds: performance.now() - started,
      };
      const finished = await finishEpoch(context, logs, optimizer, () => {
        state.projectionHead = projection.getWeights();
      });
      if (finished) return;
    }
  } finally {
    optimizer.dispose();
    projection.dispose();
  }
}

/** The backbone's features of every training image, inference mode, row-major [n, d]. */
async function backboneFeatures(context: Context): Promise<Float32Array> {
  const { dataset, o, parts } = context;
  const [n, h, w, c] = dataset.shape;
  const all = range(n);
  const output = new Float32Array(n * parts.features);
  for (let start = 0; start < n; start += o.evaluationBatchSize) {
    const end = Math.min(n, start + o.evaluationBatchSize);
    const { images } = gatherBatch(dataset, all, start, end);
    const features = tf.tidy(
      () => parts.backbone.predict(tf.tensor4d(images, [end - start, h, w, c])) as tf.Tensor,
    );
    output.set(await features.data(), start * parts.features);
    features.dispose();
  }
  return output;
}

async function headStage(context: Context): Promise<void> {
  const { dataset, o, options, state, parts } = context;
  const n = dataset.shape[0];
  const d = parts.features;
  const features = await backboneFeatures(context);
  const variables = parts.head.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const optimizer = stageOptimizer(context, variables, o.headOptimizer);
  const salt = o.seed ^ HEAD_SALT;
  try {
    for (;;) {
      const epoch = state.epoch;
      const started = performance.now();
      let lossSum = 0;
      let hits = 0;
      for (const { batch, batches, order, start, end } of epochOrder(
        range(n),
        salt,
        epoch,
        o.batchSize,
      )) {
        const size = end - start;
        const rows = new Float32Array(size * d);
        const labels = new Int32Array(size);
        for (let b = 0; b < size; b++) {
          const index = order[start + b]!;
          rows.set(features.subarray(index * d, (index + 1) * d), b * d);
          labels[b] = dataset.labels[index]!;
        }
        const x = tf.tensor2d(rows, [size, d]);
        const y = tf.tensor1d(labels, 'int32');
        let logits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const output = parts.head.apply(x) as tf.Tensor;
          logits = tf.keep(output);
          return tf.mean(symmetricCrossEntropy(output, y, o.sceAlpha, o.sceBeta)) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        const loss = (await value.data())[0]!;
        const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), y), 'int32')));
        hits += (await correct.data())[0]!;
        tf.dispose([x, y, value, logits!, correct, ...Object.values(grads)]);
        checkLoss(loss, 'head', epoch, batch);
        lossSum += loss * size;
        await options.onEvent?.({ type: 'batch', stage: 'head', batch, batches });
      }
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / n,
        accuracy: hits / n,
        learningRate: optimizer.learningRate,
        samples: n,
        milliseconds: performance.now() - started,
      };
      if (await finishEpoch(context, logs, optimizer)) return;
    }
  } finally {
    optimizer.dispose();
  }
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

async function split(context: Context): Promise<Int32Array> {
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

/** Softmax outputs of the model on a batch, inference mode, row-major [size, K]. */
async function predictProbabilities(
  model: tfl.LayersModel,
  images: Float32Array,
  shape: readonly [number, number, number, number],
): Promise<Float32Array> {
  const probabilities = tf.tidy(() =>
    tf.softmax(model.predict(tf.tensor4d(images, [...shape])) as tf.Tensor, 1),
  );
  const values = (await probabilities.data()) as Float32Array;
  probabilities.dispose();
  return values;
}

async function fineTuneStage(context: Context): Promise<void> {
  const { model, dataset, o, options, state } = context;
  const [n, h, w, c] = dataset.shape;
  const sampleSize = h * w * c;
  const k = dataset.numClasses;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const optimizer = stageOptimizer(context, variables, o.fineTuneOptimizer);
  const salt = o.seed ^ FINE_TUNE_SALT;
  try {
    for (;;) {
      const epoch = state.epoch;
      const started = performance.now();
      const labeled =
        o.resplitEachEpoch || !state.labeled
          ? await split(context)
          : Int32Array.from(state.labeled);
      const labeledSet = new Set(labeled);
      const unlabeled = range(n).filter((i) => !labeledSet.has(i));
      const labeledOrder = createRandom(epochSeed(salt, epoch, 0)).shuffle(labeled.slice());
      const unlabeledOrder = createRandom(epochSeed(salt, epoch, 1)).shuffle(unlabeled);
      const batches = Math.ceil(labeledOrder.length / o.batchSize);
      let lossSum = 0;
      let hits = 0;
      for (let batch = 0; batch < batches; batch++) {
        const start = batch * o.batchSize;
        const end = Math.min(labeledOrder.length, start + o.batchSize);
        const size = end - start;
        const stream = (j: number) => epochSeed(salt, epoch, 2 + batch * 8 + j);
        const shape = [size, h, w, c] as const;
        const labeledBatch = gatherBatch(dataset, labeledOrder, start, end);
        const labeledImages = augmentDigits(labeledBatch.images, shape, {
          ...o.weakAugment,
          seed: stream(0),
        });
        const unlabeledViews: Float32Array[] = [];
        let guessed: Float32Array = new Float32Array(0);
        if (unlabeledOrder.length > 0) {
          const picks = Int32Array.from(
            { length: size },
            (_, j) => unlabeledOrder[(start + j) % unlabeledOrder.length]!,
          );
          const { images } = gatherBatch(dataset, picks, 0, size);
          const mean = new Float32Array(size * k);
          for (let view = 0; view < o.augmentations; view++) {
            const augmented = augmentDigits(images, shape, {
              ...o.weakAugment,
              seed: stream(1 + view),
            });
            unlabeledViews.push(augmented);
            const probabilities = await predictProbabilities(model, augmented, shape);
            for (let i = 0; i < mean.length; i++) {
              mean[i] = mean[i]! + probabilities[i]! / o.augmentations;
            }
          }
          guessed = sharpen(mean, k, o.sharpenTemperature);
        }
        const rows = size * (1 + unlabeledViews.length);
        const inputs = new Float32Array(rows * sampleSize);
        const targets = new Float32Array(rows * k);
        inputs.set(labeledImages, 0);
        for (let i = 0; i < size; i++) targets[i * k + labeledBatch.labels[i]!] = 1;
        unlabeledViews.forEach((view, v) => {
          inputs.set(view, (v + 1) * size * sampleSize);
          targets.set(guessed, (v + 1) * size * k);
        });
        const mixed = mixUp(inputs, targets, sampleSize, k, o.mixUpAlpha, createRandom(stream(7)));
        const ramp =
          o.rampUpEpochs > 0 ? Math.min(1, (epoch + batch / batches) / o.rampUpEpochs) : 1;
        const weight = o.lambdaU * ramp;
        setDropoutStep(model, stream(6));
        const x = tf.tensor4d(mixed.inputs, [rows, h, w, c]);
        const t = tf.tensor2d(mixed.targets, [rows, k]);
        let labeledLogits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.apply(x, { training: true }) as tf.Tensor;
          const logitsX = tf.slice(logits, [0, 0], [size, k]);
          labeledLogits = tf.keep(logitsX);
          const targetsX = tf.slice(t, [0, 0], [size, k]);
          const lossX = tf.neg(tf.mean(tf.sum(tf.mul(targetsX, tf.logSoftmax(logitsX, 1)), 1)));
          if (rows === size || weight === 0) return lossX as tf.Scalar;
          const logitsU = tf.slice(logits, [size, 0], [rows - size, k]);
          const targetsU = tf.slice(t, [size, 0], [rows - size, k]);
          const lossU = tf.mean(tf.square(tf.sub(tf.softmax(logitsU, 1), targetsU)));
          return tf.add(lossX, tf.mul(lossU, weight)) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        const loss = (await value.data())[0]!;
        const correct = tf.tidy(() =>
          tf.sum(
            tf.cast(
              tf.equal(tf.argMax(labeledLogits!, 1), tf.tensor1d(labeledBatch.labels, 'int32')),
              'int32',
            ),
          ),
        );
        hits += (await correct.data())[0]!;
        tf.dispose([x, t, value, labeledLogits!, correct, ...Object.values(grads)]);
        checkLoss(loss, 'fine-tune', epoch, batch);
        lossSum += loss * size;
        await options.onEvent?.({ type: 'batch', stage: 'fine-tune', batch, batches });
      }
      const samples = labeledOrder.length;
      const logs: EpochLogs = {
        epoch,
        loss: samples > 0 ? lossSum / samples : 0,
        // Labeled rows whose mixed input is classified as their own label (lambda' >= 0.5).
        accuracy: samples > 0 ? hits / samples : 0,
        learningRate: optimizer.learningRate,
        samples,
        milliseconds: performance.now() - started,
      };
      if (await finishEpoch(context, logs, optimizer)) return;
    }
  } finally {
    optimizer.dispose();
  }
}
