import type { AttackConfig } from '@none/attacks';
import type { DatasetOptions } from '@none/data';
import type { ModelOptions } from '@none/models';
import type { LearningRateSchedule } from './learning-rate';
import type { NoneOptions } from './none/none-options';
import type { OptimizerOptions } from './optimizer';
import type { AugmentOptions } from './train-epochs';

/** The defenses `runExperiment` knows: `none` trains plainly, `NONE` is this paper. */
export type Defense = 'none' | 'NONE';

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
  dataset: DatasetOptions;
  /** The attack and the poisoning rate (fraction of the training set); null: clean data. */
  attack: { config: AttackConfig; rate: number } | null;
  /** The model, without input shape and class count (taken from the dataset). */
  model: Omit<ModelOptions, 'inputShape' | 'numClasses' | 'seed'>;
  training: TrainingOptions;
  defense: Defense;
  none?: NoneOptions & {
    /**
     * After the NONE rounds, re-initialise the model and train it from scratch on the kept
     * samples for `training.epochs` epochs ("purify and retrain"). Costs a second training.
     * @default false
     */
    retrain?: boolean;
    /**
     * Epochs of plain training before the first detection.
     * @default training.epochs - rounds * epochsPerRound (NONE then trains as many epochs as plain training)
     */
    warmupEpochs?: number;
  };
  /** Samples per evaluation/probe batch. @default 512 */
  evaluationBatchSize?: number;
}
