import type { AttackConfig } from '@none/attacks';
import type { DatasetOptions } from '@none/data';
import type { ModelOptions } from '@none/models';
import type { AblOptions } from './baselines/abl';
import type { DbdOptions } from './baselines/dbd';
import type { NadOptions } from './baselines/nad';
import type { LearningRateSchedule } from './learning-rate';
import type { NoneOptions } from './none/none-options';
import type { OptimizerOptions } from './optimizer';
import type { AugmentOptions } from './train-epochs';

/**
 * The defenses `runExperiment` knows: `none` trains plainly, `NONE` is this paper;
 * `dp-sgd` (Abadi et al., Hong et al.), `activation-clustering` (Chen et al.), `abl` (Li et al.
 * 2021a), `nad` (Li et al. 2021b) and `dbd` (Huang et al. 2022) are baselines.
 */
export type Defense = 'none' | 'NONE' | 'dp-sgd' | 'activation-clustering' | 'abl' | 'nad' | 'dbd';

/** Options of the baseline defenses. */
export interface BaselineOptions {
  dpSgd?: {
    /** The paper's two settings: light (clip 4, noise 0.1) or strong (clip 1, noise 0.5). @default 'light' */
    setting?: 'light' | 'strong';
    /** Samples per clipped gradient (1: true per-sample clipping). @default 1 */
    microBatchSize?: number;
    /** SGD learning rate. @default training.optimizer's rate when it is SGD, else 0.05 */
    learningRate?: number;
  };
  activationClustering?: {
    /** PCA dimensions. @default 10 */
    components?: number;
    /** Flag the smaller of two clusters when it holds at most this fraction of its class. @default 0.35 */
    sizeThreshold?: number;
  };
  /** ABL; `cleanEpochs` defaults to `training.epochs - isolationEpochs`. */
  abl?: AblOptions;
  /** NAD, plus the share of the training set the defender holds as clean data. */
  nad?: NadOptions & {
    /** @default 0.05 (the paper's 5%) */
    cleanFraction?: number;
  };
  /** DBD's stage lengths and loss settings (optimizer, seed and batch size come from training). */
  dbd?: Omit<
    DbdOptions,
    'optimizer' | 'seed' | 'poisonedIndices' | 'state' | 'onCheckpoint' | 'onEvent'
  >;
}

export interface TrainingOptions {
  /** Epochs of plain training (NONE trains the same total: warm-up plus its rounds). */
  epochs: number;
  batchSize: number;
  optimizer: OptimizerOptions;
  schedule?: LearningRateSchedule;
  augment?: AugmentOptions | false;
}

export interface ExperimentOptions {
  /** Seed of the poisoning, the model initialisation and the training order. */
  seed: number;
  /** Where the data comes from; `{ type: 'custom' }` when the caller passes it (`run.data`). */
  dataset: DatasetOptions | { type: 'custom'; name?: string };
  /** The attack and the poisoning rate (fraction of the training set); null: clean data. */
  attack: { config: AttackConfig; rate: number } | null;
  /** The model, without input shape and class count (taken from the dataset). */
  model: Omit<ModelOptions, 'inputShape' | 'numClasses' | 'seed'> | { architecture: 'custom' };
  training: TrainingOptions;
  defense: Defense;
  none?: NoneOptions & {
    /**
     * After the NONE rounds, re-initialise the model and train it from scratch on the kept
     * samples ("purify and retrain"; `signature`: for the epochs left after the warm-up).
     * @default true for `signature`, false for the other variants
     */
    retrain?: boolean;
    /**
     * Epochs of that retrain.
     * @default training.epochs
     */
    retrainEpochs?: number;
    /**
     * Epochs of plain training before the first detection, or `'auto'`: until an epoch's
     * training accuracy reaches `warmupAccuracy` (the model has learnt the data, and with it
     * any backdoor), at most half of `training.epochs`.
     * @default 'auto' for `signature`; training.epochs - rounds * epochsPerRound for the others
     */
    warmupEpochs?: number | 'auto';
    /** `warmupEpochs: 'auto'`: the training accuracy that ends the warm-up. @default 0.9 */
    warmupAccuracy?: number;
  };
  baselines?: BaselineOptions;
  /** Samples per evaluation/probe batch. @default 512 */
  evaluationBatchSize?: number;
}
