import type { ImageDataset } from '@none/data';
import { type CutModel, cutModel, ModelError } from '@none/models';
import {
  createOptimizer,
  type EpochLogs,
  type Optimizer,
  type OptimizerOptions,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkDigitAugment } from './_dbd-augment';
import { DBD_DEFAULTS, type DbdOptions, type DbdStage, type DbdState } from './dbd-options';
import { BaselineError } from './errors';

/**
 * What every stage of a DBD run shares: the resolved options and their validation, the
 * model cut into backbone and head, the stage bookkeeping and the per-epoch checkpoint.
 */

/** {@link DbdOptions} with every default filled in. */
export type Resolved = Required<
  Omit<DbdOptions, 'poisonedIndices' | 'state' | 'onCheckpoint' | 'onEvent'>
>;

export const STAGES: readonly DbdStage[] = ['self-supervised', 'head', 'fine-tune', 'done'];

export function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

export function resolveOptions(options: DbdOptions): Resolved {
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

export function validate(o: Resolved, model: tfl.LayersModel, dataset: ImageDataset): void {
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

/** What DBD trains apart: the classifier head and the backbone before it. */
export interface DbdParts {
  /** The model's output layer, a Dense layer (the classifier head). */
  head: tfl.layers.Layer;
  /** A model from the input to the head's input, sharing the layers and weights. */
  backbone: tfl.LayersModel;
  /** Features per sample: the width of the head's input. */
  features: number;
}

/**
 * The classifier head (the model's output layer, which must be Dense) and the backbone (a
 * model from the input to the head's input, sharing the layers and weights): `cutModel`
 * of `@none/models` before the last Dense layer, which must be the output layer.
 */
export function decouple(model: tfl.LayersModel): DbdParts {
  const last = model.layers[model.layers.length - 1]!;
  const notDecoupled = (cause?: unknown) =>
    new BaselineError(
      'E_INVALID_ARGUMENT',
      `runDbd: the model's output layer must be the Dense classifier head, got ${last.getClassName()} '${last.name}' (NiN ends in global pooling and has no linear head)`,
      cause === undefined ? undefined : { cause },
    );
  let cut: CutModel;
  try {
    cut = cutModel(model);
  } catch (error) {
    throw ModelError.isInstance(error) ? notDecoupled(error) : error;
  }
  if (cut.head === undefined) throw notDecoupled();
  return {
    head: cut.head,
    backbone: cut.features,
    features: cut.featureShape[cut.featureShape.length - 1]!,
  };
}

export function initialStage(o: Resolved, from = 0): DbdStage {
  const epochs = [o.selfSupervisedEpochs, o.headEpochs, o.fineTuneEpochs];
  for (let s = from; s < 3; s++) if (epochs[s]! > 0) return STAGES[s]!;
  return 'done';
}

export function stageEpochs(o: Resolved, stage: DbdStage): number {
  if (stage === 'self-supervised') return o.selfSupervisedEpochs;
  if (stage === 'head') return o.headEpochs;
  if (stage === 'fine-tune') return o.fineTuneEpochs;
  return 0;
}

export function checkState(state: DbdState, o: Resolved, n: number): void {
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

export interface Context {
  model: tfl.LayersModel;
  dataset: ImageDataset;
  o: Resolved;
  options: DbdOptions;
  state: DbdState;
  parts: DbdParts;
  poisoned: Set<number> | null;
}

export function stageOptimizer(
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
export async function finishEpoch(
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

export function checkLoss(loss: number, stage: string, epoch: number, batch: number): void {
  if (!Number.isFinite(loss)) {
    throw new BaselineError(
      'E_DIVERGED',
      `runDbd: the ${stage} loss became ${loss} at epoch ${epoch}, batch ${batch}; lower the learning rate`,
    );
  }
}
