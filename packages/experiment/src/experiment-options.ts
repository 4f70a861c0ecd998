import type { AttackConfig } from '@none/attacks';
import type { BaselineOptions } from '@none/baselines';
import type { DatasetOptions } from '@none/data';
import type { ModelOptions } from '@none/models';
import type { NoneDefenseOptions, TrainingOptions } from '@none/trainer';
import type { DefenseName } from './defenses';

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
  /** `none` trains plainly; `NONE` is this paper; the others are baselines (see `DEFENSES`). */
  defense: DefenseName;
  /** NONE's options (detection, warm-up, retrain). */
  none?: NoneDefenseOptions;
  baselines?: BaselineOptions;
  /** Samples per evaluation/probe batch. @default 512 */
  evaluationBatchSize?: number;
}
