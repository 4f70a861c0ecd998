import type { ImageDataset } from '@none/data';
import { type NeuronLayer, setDropoutStep } from '@none/models';
import {
  type AugmentOptions,
  createOptimizer,
  type EpochLogs,
  epochBatches,
  type Optimizer,
  type OptimizerOptions,
  type OptimizerState,
  readModelWeights,
  trainEpochs,
  writeModelWeights,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel, defaultAttentionLayers, withLayerOutputs } from './_attention';
import { BaselineError } from './errors';

/**
 * How two attention maps are compared: `'mse'` is the mean over samples and positions of the
 * squared difference of the normalised maps (the authors' code, `F.mse_loss`, which the
 * published betas are calibrated for); `'l2'` is the mean over samples of the L2 norm of the
 * difference (the paper's Eq. 2 read literally; betas must then be far smaller).
 */
export type AttentionDistance = 'mse' | 'l2';

/** The hyperparameters of NAD; every field has a default in {@link NAD_DEFAULTS}. */
export interface NadOptions {
  /** Epochs of cross-entropy fine-tuning of the teacher on the clean subset (paper: 10). @default 10 */
  teacherEpochs?: number;
  /** Learning rate of the teacher's fine-tuning (paper: 0.01). @default 0.01 */
  teacherLearningRate?: number;
  /** Epochs of attention distillation into the student (paper: 20). @default 20 */
  distillationEpochs?: number;
  /**
   * Learning rate of the distillation (paper: 0.01, "decayed"; the authors' code: 0.1 for 2
   * epochs, then 0.01). Constant here. @default 0.01
   */
  distillationLearningRate?: number;
  /** Exponent p of the attention map, `mean_c |a|^p` (paper: 2). @default 2 */
  p?: number;
  /**
   * beta of each distilled layer, aligned to the last layers: with fewer layers than betas the
   * last betas are used (paper, WRN-16-1: 500, 1000, 1000 on the three residual groups).
   * @default [500, 1000, 1000]
   */
  betas?: number[];
  /** @default 'mse' */
  distance?: AttentionDistance;
}

export type ResolvedNadOptions = Required<NadOptions>;

/**
 * NAD's defaults. The paper fine-tunes on 5% of the training set, so its 10 teacher + 20
 * distillation epochs cost 1.5 epochs of the full set: within our 10-epoch budget, they are
 * kept. Batch size and optimizer (SGD momentum 0.9, weight decay) come from the trainer.
 * Measured on a BadNets small CNN (4,000 MNIST digits, 200 clean): at these paper rates the
 * teacher keeps the backdoor and NAD leaves the ASR at 0.99; with both rates at 0.05 (the
 * training rate) ASR 0.99 -> 0.45 and BA 0.93 -> 0.84.
 */
export const NAD_DEFAULTS: Readonly<ResolvedNadOptions> = Object.freeze({
  teacherEpochs: 10,
  teacherLearningRate: 0.01,
  distillationEpochs: 20,
  distillationLearningRate: 0.01,
  p: 2,
  betas: Object.freeze([500, 1000, 1000]) as unknown as number[],
  distance: 'mse',
});

export type NadPhase = 'teacher' | 'distill';

/** One epoch of one phase. */
export interface NadEpochRecord extends EpochLogs {
  phase: NadPhase;
  /** Distillation epochs: the mean cross-entropy and the mean weighted attention loss. */
  crossEntropy?: number;
  attentionLoss?: number;
}

/**
 * Serializable progress of {@link runNad}. The teacher's weights are part of the state
 * (`teacherWeights`), not re-derived: once distillation starts the student has moved and the
 * teacher's starting point (the backdoored weights) is gone.
 */
export interface NadState {
  phase: NadPhase | 'done';
  epochsDone: Record<NadPhase, number>;
  /** The distilled layers (resolved once, so a resume uses the same). */
  layers: string[];
  records: NadEpochRecord[];
  /** The teacher's weights, `model.weights` order (binary: store beside the JSON state). */
  teacherWeights?: Float32Array[];
  /** The current phase's optimizer state (binary, as `teacherWeights`). */
  optimizer?: OptimizerState;
}

export type NadEvent =
  | { type: 'epoch'; phase: NadPhase; logs: EpochLogs; epochs: number }
  | { type: 'batch'; phase: NadPhase; batch: number; batches: number };

/** Options of {@link runNad}. */
export interface RunNadOptions {
  nad?: NadOptions;
  /** The defender's clean samples (indices into the dataset), e.g. 5% of the clean training set. */
  cleanIndices: ArrayLike<number>;
  /** Layers to distil (their outputs). @default the last up to 3 conv layers' activations of `neurons` */
  layers?: string[];
  /** The model's neuron metadata (`buildModel(...).metadata.neurons`), for the default layers. */
  neurons?: readonly NeuronLayer[];
  /** Optimizer type, momentum and weight decay; the rates come from `nad`. */
  optimizer: OptimizerOptions;
  /** @default 128 */
  batchSize?: number;
  augment?: AugmentOptions | false;
  /** Seed of the shuffling, augmentation and dropout (per global epoch). */
  seed: number;
  /** Continue from a checkpoint (restore the student's weights first). */
  state?: NadState;
  /** Called after every epoch with the state to persist. */
  onCheckpoint?: (state: NadState) => void | Promise<void>;
  onEvent?: (event: NadEvent) => void | Promise<void>;
}

function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

/** NAD's options with the defaults filled in, validated. */
export function resolveNadOptions(options: NadOptions = {}): ResolvedNadOptions {
  const resolved = { ...NAD_DEFAULTS, ...options } as ResolvedNadOptions;
  for (const name of ['teacherEpochs', 'distillationEpochs'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 0) {
      throw invalid(`runNad: nad.${name} must be an integer >= 0, got ${value}`);
    }
  }
  for (const name of ['teacherLearningRate', 'distillationLearningRate', 'p'] as const) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value > 0)) {
      throw invalid(`runNad: nad.${name} must be a finite number > 0, got ${value}`);
    }
  }
  if (!resolved.betas.length || !resolved.betas.every((b) => Number.isFinite(b) && b >= 0)) {
    throw invalid(
      `runNad: nad.betas must be a non-empty list of finite numbers >= 0, got [${resolved.betas}]`,
    );
  }
  if (resolved.distance !== 'mse' && resolved.distance !== 'l2') {
    throw invalid(`runNad: nad.distance must be 'mse' or 'l2', got ${String(resolved.distance)}`);
  }
  return resolved;
}

/**
 * NAD's attention map of a layer's activation: `A = mean_c |a|^p` over the channels, flattened
 * per sample and divided by its L2 norm (+ 1e-6, as in the authors' code). `[n, h, w, c]` gives
 * `[n, h * w]`; a dense activation `[n, d]` gives `|a|^p` normalised over its d units
 * (every unit a position). Returns a new tensor (the caller disposes it).
 *
 * @example
 * ```ts
 * // one sample, 1 x 2 positions, 2 channels: mean_c a^2 = [2.5, 0] -> [1, 0]
 * attentionMap(tf.tensor4d([1, -2, 0, 0], [1, 1, 2, 2]), 2); // [[1, 0]] (up to 1e-6)
 * ```
 * @see S. Zagoruyko, N. Komodakis, "Paying more attention to attention", ICLR 2017
 */
export function attentionMap(activation: tf.Tensor, p = 2): tf.Tensor2D {
  if (activation.rank !== 4 && activation.rank !== 2) {
    throw new BaselineError(
      'E_SHAPE_MISMATCH',
      `attentionMap: activation must be [n, h, w, c] or [n, d], got [${activation.shape}]`,
    );
  }
  return tf.tidy(() => {
    const powered = tf.pow(tf.abs(activation), p);
    const n = activation.shape[0]!;
    const map = activation.rank === 4 ? tf.reshape(tf.mean(powered, 3), [n, -1]) : powered;
    const norm = tf.add(tf.norm(map, 'euclidean', 1, true), 1e-6);
    return tf.div(map, norm) as tf.Tensor2D;
  });
}

/**
 * NAD's distillation term, `sum_l beta_l * D(A_T^l, A_S^l)` over the distilled layers, with
 * D the {@link AttentionDistance} of the {@link attentionMap}s. 0 for identical activations
 * (exactly, for both distances), positive otherwise. `betas` align with the last layers. Call
 * inside a gradient tape for the student's activations; the teacher's are constants.
 *
 * @see Y. Li, X. Lyu, N. Koren, L. Lyu, B. Li, X. Ma, "Neural Attention Distillation: Erasing
 * Backdoor Triggers from Deep Neural Networks", ICLR 2021 (Eq. 2, 3)
 */
export function attentionDistillationLoss(
  teacher: readonly tf.Tensor[],
  student: readonly tf.Tensor[],
  options: { betas: readonly number[]; p?: number; distance?: AttentionDistance },
): tf.Scalar {
  const { betas, p = 2, distance = 'mse' } = options;
  if (teacher.length !== student.length || teacher.length === 0) {
    throw invalid(
      `attentionDistillationLoss: teacher and student must give the same number (> 0) of activations, got ${teacher.length} and ${student.length}`,
    );
  }
  const layerBetas = alignBetas(betas, student.length);
  return tf.tidy(() => {
    const terms = student.map((s, l) => {
      const t = teacher[l]!;
      if (!tf.util.arraysEqual(t.shape, s.shape)) {
        throw new BaselineError(
          'E_SHAPE_MISMATCH',
          `attentionDistillationLoss: layer ${l} is [${t.shape}] in the teacher, [${s.shape}] in the student`,
        );
      }
      const squared = tf.square(tf.sub(attentionMap(t, p), attentionMap(s, p)));
      const d =
        distance === 'mse'
          ? tf.mean(squared)
          : // sqrt(x + e) - sqrt(e): 0 at x = 0 with a finite gradient there.
            tf.mean(tf.sub(tf.sqrt(tf.add(tf.sum(squared, 1), 1e-12)), 1e-6));
      return tf.mul(d, layerBetas[l]!);
    });
    return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
  });
}

/** The last `count` betas (the last repeated when there are fewer betas than layers). */
function alignBetas(betas: readonly number[], count: number): number[] {
  if (betas.length >= count) return betas.slice(betas.length - count);
  return [...betas, ...Array<number>(count - betas.length).fill(betas[betas.length - 1]!)];
}

/**
 * Neural Attention Distillation (Li et al., ICLR 2021) on a backdoored model, in two phases,
 * resumable after every epoch:
 *
 * 1. `teacher`: a copy of the student is fine-tuned with cross-entropy on the clean subset
 *    for `teacherEpochs` at `teacherLearningRate`; fine-tuning weakens the backdoor.
 * 2. `distill`: the student is trained on the clean subset for `distillationEpochs` at
 *    `distillationLearningRate` with `CE + sum_l beta_l * D(A_T^l, A_S^l)`
 *    ({@link attentionDistillationLoss}): its attention is pulled towards the teacher's,
 *    which does not light up on the trigger. The teacher runs in inference mode.
 *
 * Distilled layers: `layers`, or the activations of the last up to 3 conv layers of
 * `neurons` (small CNN: `conv1_act`, `conv2_act`), like the paper's residual-group outputs.
 * Global epochs: teacher 0 .. T-1, distillation T .. T+D-1. The student changes in place.
 * The teacher's weights travel in the state (`teacherWeights`); a resumed run (the student's
 * weights plus the checkpointed state) ends with exactly the weights of an uninterrupted one.
 *
 * @example
 * ```ts
 * const state = await runNad(built.model, poisoned.dataset, {
 *   cleanIndices, neurons: built.metadata.neurons,
 *   optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, seed: 0,
 * });
 * ```
 * @throws BaselineError `E_INVALID_ARGUMENT` for a bad option or clean index, `E_NOT_FOUND`
 * for an unknown layer, `E_CHECKPOINT` for a state without the teacher's weights,
 * `E_DIVERGED` for a non-finite loss
 * @see Y. Li, X. Lyu, N. Koren, L. Lyu, B. Li, X. Ma, "Neural Attention Distillation: Erasing
 * Backdoor Triggers from Deep Neural Networks", ICLR 2021, arXiv:2101.05930
 */
export async function runNad(
  student: tfl.LayersModel,
  dataset: ImageDataset,
  options: RunNadOptions,
): Promise<NadState> {
  const nad = resolveNadOptions(options.nad);
  const n = dataset.shape[0];
  if (!Number.isSafeInteger(options.seed)) {
    throw invalid(`runNad: seed must be a safe integer, got ${options.seed}`);
  }
  const clean = Int32Array.from(options.cleanIndices);
  if (clean.length === 0) throw invalid('runNad: cleanIndices must hold at least one index, got 0');
  for (const index of clean) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw invalid(`runNad: cleanIndices must lie in [0, ${n}), got ${index}`);
    }
  }
  const layers =
    options.state?.layers ?? options.layers ?? defaultAttentionLayers(options.neurons ?? []);
  if (layers.length === 0) {
    throw invalid(
      'runNad: no layer to distil: pass `layers`, or `neurons` with conv or dense layers',
    );
  }
  const state: NadState = options.state
    ? structuredClone(options.state)
    : { phase: 'teacher', epochsDone: { teacher: 0, distill: 0 }, layers, records: [] };
  if (state.phase === 'done') return state;
  if (!state.teacherWeights && (state.phase === 'distill' || state.epochsDone.teacher > 0)) {
    throw new BaselineError(
      'E_CHECKPOINT',
      `runNad: the state is in phase ${state.phase} but has no teacherWeights; restore them with the state`,
    );
  }
  const teacher = await cloneModel(student);
  if (state.teacherWeights) writeModelWeights(teacher, state.teacherWeights);
  let optimizer: Optimizer | undefined;
  const checkpoint = async () => {
    state.optimizer = optimizer?.getState();
    state.teacherWeights = readModelWeights(teacher);
    await options.onCheckpoint?.(state);
  };
  try {
    if (state.phase === 'teacher') {
      const variables = teacher.trainableWeights.map((w) => w.read() as tf.Variable);
      optimizer = createOptimizer(variables, {
        ...options.optimizer,
        learningRate: nad.teacherLearningRate,
      });
      if (state.optimizer && state.epochsDone.teacher > 0) optimizer.setState(state.optimizer);
      if (state.epochsDone.teacher < nad.teacherEpochs) {
        await trainEpochs(teacher, dataset, {
          epochs: nad.teacherEpochs - state.epochsDone.teacher,
          startEpoch: state.epochsDone.teacher,
          batchSize: options.batchSize,
          optimizer,
          seed: options.seed,
          augment: options.augment,
          indices: clean,
          onBatchEnd: (batch, batches) =>
            options.onEvent?.({ type: 'batch', phase: 'teacher', batch, batches }),
          onEpochEnd: async (logs) => {
            state.epochsDone.teacher += 1;
            state.records.push({ ...logs, phase: 'teacher' });
            await options.onEvent?.({
              type: 'epoch',
              phase: 'teacher',
              logs,
              epochs: nad.teacherEpochs,
            });
            await checkpoint();
          },
        });
      }
      optimizer.dispose();
      optimizer = undefined;
      state.phase = 'distill';
      state.optimizer = undefined;
      await checkpoint();
    }
    if (state.phase === 'distill') {
      const variables = student.trainableWeights.map((w) => w.read() as tf.Variable);
      optimizer = createOptimizer(variables, {
        ...options.optimizer,
        learningRate: nad.distillationLearningRate,
      });
      if (state.optimizer) optimizer.setState(state.optimizer);
      await distil(student, teacher, dataset, clean, nad, options, state, optimizer, checkpoint);
      state.phase = 'done';
      await checkpoint();
    }
  } finally {
    optimizer?.dispose();
    teacher.dispose();
  }
  return state;
}

async function distil(
  student: tfl.LayersModel,
  teacher: tfl.LayersModel,
  dataset: ImageDataset,
  clean: Int32Array,
  nad: ResolvedNadOptions,
  options: RunNadOptions,
  state: NadState,
  optimizer: Optimizer,
  checkpoint: () => Promise<void>,
): Promise<void> {
  const [, h, w, c] = dataset.shape;
  const batchSize = options.batchSize ?? 128;
  const augment = options.augment;
  const studentOutputs = withLayerOutputs(student, state.layers);
  const teacherOutputs = withLayerOutputs(teacher, state.layers);
  const numClasses = Number(student.outputs[0]!.shape[1]);
  const variables = student.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const lossOptions = { betas: nad.betas, p: nad.p, distance: nad.distance };
  optimizer.learningRate = nad.distillationLearningRate;
  while (state.epochsDone.distill < nad.distillationEpochs) {
    const epoch = nad.teacherEpochs + state.epochsDone.distill;
    const started = performance.now();
    let totalSum = 0;
    let crossEntropySum = 0;
    let correct = 0;
    for (const { batch, batches, size, images, labels } of epochBatches(dataset, clean, {
      seed: options.seed,
      epoch,
      batchSize,
      augment,
    })) {
      setDropoutStep(student, epoch * 1_000_003 + batch);
      const { x, y, labelTensor } = tf.tidy(() => {
        const labelTensor = tf.tensor1d(labels, 'int32');
        return {
          x: tf.tensor4d(images, [size, h, w, c]),
          y: tf.oneHot(labelTensor, numClasses),
          labelTensor,
        };
      });
      const [teacherLogits, ...teacherActivations] = teacherOutputs.predict(x) as tf.Tensor[];
      teacherLogits!.dispose();
      let crossEntropy: tf.Scalar | undefined;
      let logits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const [output, ...activations] = studentOutputs.apply(x, {
          training: true,
        }) as tf.Tensor[];
        logits = tf.keep(output!);
        const ce = tf.losses.softmaxCrossEntropy(y, output!) as tf.Scalar;
        crossEntropy = tf.keep(ce);
        return tf.add(
          ce,
          attentionDistillationLoss(teacherActivations, activations, lossOptions),
        ) as tf.Scalar;
      }, variables);
      optimizer.applyGradients(variables.map((v) => grads[v.name]!));
      const loss = (await value.data())[0]!;
      const ce = (await crossEntropy!.data())[0]!;
      const argmax = tf.argMax(logits!, 1);
      const predicted = (await argmax.data()) as Int32Array;
      for (let i = 0; i < size; i++) if (predicted[i] === labels[i]) correct += 1;
      tf.dispose([x, y, labelTensor, value, crossEntropy!, logits!, argmax, ...teacherActivations]);
      tf.dispose(Object.values(grads));
      if (!Number.isFinite(loss)) {
        throw new BaselineError(
          'E_DIVERGED',
          `runNad: the loss became ${loss} at epoch ${epoch}, batch ${batch}; lower nad.distillationLearningRate or nad.betas`,
        );
      }
      totalSum += loss * size;
      crossEntropySum += ce * size;
      await options.onEvent?.({ type: 'batch', phase: 'distill', batch, batches });
    }
    const logs: EpochLogs = {
      epoch,
      loss: totalSum / clean.length,
      accuracy: correct / clean.length,
      learningRate: optimizer.learningRate,
      samples: clean.length,
      milliseconds: performance.now() - started,
    };
    state.epochsDone.distill += 1;
    state.records.push({
      ...logs,
      phase: 'distill',
      crossEntropy: crossEntropySum / clean.length,
      attentionLoss: (totalSum - crossEntropySum) / clean.length,
    });
    await options.onEvent?.({
      type: 'epoch',
      phase: 'distill',
      logs,
      epochs: nad.distillationEpochs,
    });
    await checkpoint();
  }
}
