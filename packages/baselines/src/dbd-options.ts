import type { EpochLogs, OptimizerOptions, OptimizerState } from '@none/trainer';
import type { DigitAugmentOptions } from './_dbd-augment';

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
