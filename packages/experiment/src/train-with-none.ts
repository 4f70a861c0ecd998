import type { AttackConfig } from '@none/attacks';
import type { DatasetSplit } from '@none/data';
import type { TrainingOptions } from '@none/trainer';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ExperimentOptions } from './experiment-options';
import type { ExperimentEvent, ExperimentReport } from './experiment-report';
import { runExperiment } from './run-experiment';

export interface TrainWithNoneOptions extends DatasetSplit {
  /** Seed of the initial weights, the training order and the poisoning. @default 0 */
  seed?: number;
  /** @default 10 epochs of batch 128, SGD 0.05 with momentum 0.9, the rate ×0.1 at 70% */
  training?: Partial<TrainingOptions>;
  /** NONE's options (`NoneOptions` plus `warmupEpochs`, `retrain`, ...). @default the `signature` variant */
  none?: ExperimentOptions['none'];
  /**
   * An attack to stamp on `train` (for measuring: BA and ASR of both models, precision and
   * recall of what NONE removed); omit for data of unknown provenance.
   */
  attack?: { config: AttackConfig; rate: number };
  /** Name of the data, for the report. @default 'custom' */
  dataName?: string;
  outDir?: string;
  resume?: boolean;
  onEvent?: (event: ExperimentEvent) => void | Promise<void>;
}

const DEFAULT_TRAINING: TrainingOptions = {
  epochs: 10,
  batchSize: 128,
  optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 },
  schedule: { type: 'multistep', milestones: [7], gamma: 0.1 },
  augment: false,
};

/**
 * Trains a user's tfjs model with NONE: the experiment runner's path (the one `none train`
 * takes) with the model given as a LayersModel or a function that makes one. The model may
 * be sequential or functional, fuse its activations and end in a softmax
 * (`prepareUserModel`); a LayersModel's initial weights are redrawn from `seed`, a function
 * gets the seed and makes the model with the weights it wants. An undefended copy is
 * trained first, for the comparison in the report. When `model` is a LayersModel, the
 * NONE-trained weights are copied into it at the end.
 *
 * @example
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
 *   tf.layers.flatten(),
 *   tf.layers.dense({ units: 10, activation: 'softmax' }),
 * ] });
 * const { report } = await trainWithNone(model, { train, test, seed: 0 });
 * console.log(report.defended?.removed, report.defended?.ba);
 */
export async function trainWithNone(
  model: tfl.LayersModel | ((seed: number) => tfl.LayersModel | Promise<tfl.LayersModel>),
  options: TrainWithNoneOptions,
): Promise<{ report: ExperimentReport; model: tfl.LayersModel | null }> {
  const training = { ...DEFAULT_TRAINING, ...options.training };
  if (training.schedule?.type === 'multistep' && options.training?.schedule === undefined) {
    training.schedule = { ...training.schedule, milestones: [Math.round(training.epochs * 0.7)] };
  }
  const experiment: ExperimentOptions = {
    seed: options.seed ?? 0,
    dataset: { type: 'custom', name: options.dataName ?? 'custom' },
    attack: options.attack ?? null,
    model: { architecture: 'custom' },
    training,
    defense: 'NONE',
    none: options.none ?? {},
  };
  const target = typeof model === 'function' ? null : model;
  const report = await runExperiment(experiment, {
    data: { train: options.train, test: options.test },
    model,
    ...(options.outDir ? { outDir: options.outDir } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    onTrained: (which, trained) => {
      if (which === 'defended' && target) target.setWeights(trained.getWeights());
    },
  });
  return { report, model: target };
}
