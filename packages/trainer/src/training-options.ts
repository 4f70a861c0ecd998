import type { LearningRateSchedule } from './learning-rate';
import type { OptimizerOptions } from './optimizer';
import type { AugmentOptions } from './train-epochs';

/** Plain training: the budget every defense is compared at. */
export interface TrainingOptions {
  /** Epochs of plain training (NONE trains the same total: warm-up plus what follows). */
  epochs: number;
  batchSize: number;
  optimizer: OptimizerOptions;
  schedule?: LearningRateSchedule;
  augment?: AugmentOptions | false;
}
