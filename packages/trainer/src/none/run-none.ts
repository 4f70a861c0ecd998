import { type ImageDataset, subsetDataset } from '@none/data';
import { type NeuronLayer, resetNeurons } from '@none/models';
import type { LayerPattern } from '@none/probe';
import { collectPatterns, createActivationProbe } from '@none/probe';
import { deriveSeed } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherBatch, keptIndices } from '../_batches';
import { readModelWeights, writeModelWeights } from '../checkpoint';
import { TrainerError } from '../errors';
import { detectionQuality } from '../metrics';
import {
  createOptimizer,
  type Optimizer,
  type OptimizerOptions,
  type OptimizerState,
} from '../optimizer';
import { type AugmentOptions, type EpochLogs, trainEpochs } from '../train-epochs';
import { detectConfidenceGap } from './detect-confidence-gap';
import { detectConsensus } from './detect-consensus';
import { detectPaper } from './detect-paper';
import { detectSignature } from './detect-signature';
import { neighbourWitness } from './neighbours';
import {
  NONE_DEFAULTS,
  type NoneOptions,
  type ResolvedNoneOptions,
  SIGNATURE_SCHEDULE,
} from './none-options';
import type { NoneActivations, NoneDetection } from './types';

/** What one NONE round did (report.json's `defended.rounds[]`). */
export interface NoneRoundRecord {
  round: number;
  /** Neurons reset per layer. */
  neuronsReset: Record<string, number>;
  /** Samples removed in this round. */
  removed: number;
  /** Samples removed so far. */
  removedTotal: number;
  /** Of all samples removed so far, against the known poisoned indices; null when unknown. */
  precision: number | null;
  recall: number | null;
  probeMs: number;
  detectMs: number;
  trainMs: number;
  details: Record<string, unknown>;
}

/** Serializable progress of `runNone`, what a checkpoint stores. */
export interface NoneState {
  round: number;
  phase: 'detect' | 'train' | 'done';
  epochInRound: number;
  /** Removed sample indices (into the training set), ascending. */
  removed: number[];
  records: NoneRoundRecord[];
  optimizer?: OptimizerState;
}

export type NoneEvent =
  | { type: 'probe'; round: number; done: number; total: number }
  | { type: 'detected'; round: number; record: NoneRoundRecord }
  | { type: 'epoch'; round: number; logs: EpochLogs }
  | { type: 'batch'; round: number; batch: number; batches: number };

export interface RunNoneOptions {
  none?: NoneOptions;
  /** Metadata of the model's neurons (`buildModel(...).metadata.neurons`). */
  neurons: readonly NeuronLayer[];
  /** The optimizer of the fine-tune epochs; its learning rate is `none.fineTuneLearningRate`. */
  optimizer: OptimizerOptions;
  batchSize?: number;
  augment?: AugmentOptions | false;
  seed: number;
  /** Global epoch index of the first fine-tune epoch (seeds depend on it). */
  firstEpoch: number;
  /** Poisoned training indices, when known: precision and recall per round. */
  poisonedIndices?: ArrayLike<number>;
  /** Continue from a checkpoint. */
  state?: NoneState;
  /** Called after each detection and each epoch with the state to persist. */
  onCheckpoint?: (state: NoneState) => void | Promise<void>;
  onEvent?: (event: NoneEvent) => void | Promise<void>;
}

/** `options` over the defaults of its variant (unset and `undefined` fields take the default). */
export function resolveNoneOptions(options: NoneOptions = {}): ResolvedNoneOptions {
  const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const variant = (set.variant as NoneOptions['variant']) ?? NONE_DEFAULTS.variant;
  const { rounds, epochsPerRound } = SIGNATURE_SCHEDULE;
  const base =
    variant === 'signature' ? { ...NONE_DEFAULTS, rounds, epochsPerRound } : NONE_DEFAULTS;
  return { ...base, ...set } as ResolvedNoneOptions;
}

/** One detection pass of the chosen variant over activations (pure, no tfjs). */
export function detectNone(activations: NoneActivations, options: NoneOptions = {}): NoneDetection {
  const o = resolveNoneOptions(options);
  switch (o.variant) {
    case 'paper':
      return detectPaper(activations, {
        theta: o.theta,
        resetFraction: o.resetFraction,
        selectionThreshold: o.selectionThreshold,
        lambda: o.lambda,
      });
    case 'confidence-gap':
      return detectConfidenceGap(activations, {
        lambdaH: o.lambdaH,
        lambdaL: o.lambdaL,
        resetFraction: o.resetFraction,
        selection: o.selection,
      });
    case 'consensus':
      return detectConsensus(activations, {
        lambdaH: o.lambdaH,
        resetFraction: o.resetFraction,
        agreement: o.agreement,
        candidatesPerLayer: o.candidatesPerLayer,
        maxClusterFraction: o.maxClusterFraction,
      });
    case 'signature':
      throw new TrainerError(
        'E_INVALID_ARGUMENT',
        'detectNone: the signature variant reads activation patterns, not neuron values; use runNone (or detectSignature)',
      );
    default:
      throw new TrainerError(
        'E_INVALID_ARGUMENT',
        `detectNone: unknown variant ${String(o.variant)}`,
      );
  }
}

/**
 * The NONE rounds on a trained model: per round, probe the kept training samples, detect
 * (the chosen variant), remove the flagged samples, reset the selected neurons, then train
 * `epochsPerRound` epochs on the kept samples at `fineTuneLearningRate` (BatchNorm frozen
 * when asked). Stops early when a round neither flags nor resets anything. The model
 * changes in place; the returned state lists the removed samples and what each round did.
 */
export async function runNone(
  model: tfl.LayersModel,
  dataset: ImageDataset,
  options: RunNoneOptions,
): Promise<NoneState> {
  const none = resolveNoneOptions(options.none);
  const n = dataset.shape[0];
  const state: NoneState = options.state
    ? structuredClone(options.state)
    : { round: 0, phase: 'detect', epochInRound: 0, removed: [], records: [] };
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let optimizer: Optimizer | undefined;
  const newOptimizer = () => {
    optimizer?.dispose();
    optimizer = createOptimizer(variables, {
      ...options.optimizer,
      learningRate: none.fineTuneLearningRate,
    });
    return optimizer;
  };
  // Without fine-tune epochs (`signature`) no optimizer is made: a checkpoint then carries
  // none, and the caller's (the warm-up's) stays the one the model trains on with.
  const fineTunes = none.epochsPerRound > 0;
  if (state.phase === 'train' && fineTunes) {
    newOptimizer();
    if (state.optimizer) optimizer!.setState(state.optimizer);
  }
  const checkpoint = async () => {
    state.optimizer = optimizer?.getState();
    await options.onCheckpoint?.(state);
  };
  try {
    while (state.phase !== 'done' && state.round < none.rounds) {
      const removedSet = new Set(state.removed);
      const keptSamples = () => keptIndices(n, removedSet);
      if (state.phase === 'detect') {
        const record = await detectRound(model, dataset, keptSamples(), none, options, state);
        for (const i of record.flaggedIndices) removedSet.add(i);
        state.removed = [...removedSet].sort((a, b) => a - b);
        const quality = detectionQuality(state.removed, options.poisonedIndices);
        const entry: NoneRoundRecord = {
          ...record.entry,
          removedTotal: state.removed.length,
          precision: quality.precision,
          recall: quality.recall,
        };
        state.records.push(entry);
        await options.onEvent?.({ type: 'detected', round: state.round, record: entry });
        const nothing =
          entry.removed === 0 && Object.values(entry.neuronsReset).every((c) => c === 0);
        if (nothing) {
          state.phase = 'done';
          await checkpoint();
          break;
        }
        state.phase = 'train';
        state.epochInRound = 0;
        if (fineTunes) newOptimizer();
        await checkpoint();
      }
      const kept = keptSamples();
      const started = performance.now();
      const round = state.round;
      if (state.epochInRound < none.epochsPerRound) {
        await trainEpochs(model, dataset, {
          epochs: none.epochsPerRound - state.epochInRound,
          startEpoch: options.firstEpoch + round * none.epochsPerRound + state.epochInRound,
          batchSize: options.batchSize,
          optimizer: optimizer!,
          seed: options.seed,
          augment: options.augment,
          freezeBatchNorm: none.freezeBatchNorm,
          indices: kept,
          onBatchEnd: (batch, batches) =>
            options.onEvent?.({ type: 'batch', round, batch, batches }),
          onEpochEnd: async (logs) => {
            state.epochInRound += 1;
            await options.onEvent?.({ type: 'epoch', round, logs });
            await checkpoint();
          },
        });
      }
      const record = state.records[state.records.length - 1];
      if (record) record.trainMs += performance.now() - started;
      state.round += 1;
      state.phase = state.round >= none.rounds ? 'done' : 'detect';
      state.epochInRound = 0;
      await checkpoint();
    }
  } finally {
    optimizer?.dispose();
  }
  state.phase = 'done';
  return state;
}

async function detectRound(
  model: tfl.LayersModel,
  dataset: ImageDataset,
  kept: Int32Array,
  none: ResolvedNoneOptions,
  options: RunNoneOptions,
  state: NoneState,
): Promise<{
  entry: Omit<NoneRoundRecord, 'removedTotal' | 'precision' | 'recall'>;
  flaggedIndices: Int32Array;
}> {
  const round = state.round;
  const probeStarted = performance.now();
  const subset = subsetDataset(dataset, kept);
  const onProgress = (done: number, total: number) =>
    options.onEvent?.({ type: 'probe', round, done, total });
  let detect: () => NoneDetection;
  if (none.variant === 'signature') {
    const layers = options.neurons.slice(-none.signatureLayers).map((l) => l.layer);
    const { layers: patterns } = await collectPatterns(model, subset, {
      layers,
      neurons: options.neurons,
      batchSize: none.probeBatchSize,
      onProgress,
    });
    detect = () =>
      detectSignatureOn(subset, patterns, none, (members, channels) =>
        shareStaying(model, options.neurons, subset, members, channels),
      );
  } else {
    const probe = createActivationProbe(model, { neurons: options.neurons });
    const collected = await probe.collect(subset, {
      batchSize: none.probeBatchSize,
      onProgress,
    });
    probe.dispose();
    detect = () => detectNone(collected, none);
  }
  const probeMs = performance.now() - probeStarted;
  const detectStarted = performance.now();
  const detection = detect();
  const flaggedIndices = Int32Array.from(detection.flagged, (row) => kept[row]!);
  resetNeurons(model, options.neurons, detection.resetNeurons, {
    mode: none.reset,
    seed: deriveSeed(options.seed, 'none-reset', round),
  });
  const detectMs = performance.now() - detectStarted;
  const neuronsReset = Object.fromEntries(
    Object.entries(detection.resetNeurons).map(([layer, channels]) => [layer, channels.length]),
  );
  return {
    entry: {
      round,
      neuronsReset,
      removed: flaggedIndices.length,
      probeMs,
      detectMs,
      trainMs: 0,
      details: detection.details,
    },
    flaggedIndices,
  };
}

/**
 * The share of `members` the model still predicts as their label with `channels` zeroed
 * (the signature detection's reset tests; with no channels, its `minHeld`); the model's
 * weights are restored after.
 */
function shareStaying(
  model: tfl.LayersModel,
  neurons: readonly NeuronLayer[],
  dataset: ImageDataset,
  members: Int32Array,
  channels: Record<string, number[]>,
): number {
  if (members.length === 0) return 0;
  const zeroed = Object.values(channels).some((list) => list.length > 0);
  const saved = zeroed ? readModelWeights(model) : null;
  try {
    if (zeroed) resetNeurons(model, neurons, channels, { mode: 'zero' });
    const [, h, w, c] = dataset.shape;
    let stays = 0;
    for (let start = 0; start < members.length; start += 256) {
      const end = Math.min(members.length, start + 256);
      const { images, labels } = gatherBatch(dataset, members, start, end);
      const predicted = tf.tidy(() => {
        const x = tf.tensor4d(images, [end - start, h, w, c]);
        return tf.argMax(model.predict(x) as tf.Tensor, 1);
      });
      const classes = predicted.dataSync();
      predicted.dispose();
      for (let t = 0; t < end - start; t++) if (classes[t] === labels[t]) stays++;
    }
    return stays / members.length;
  } finally {
    if (saved) writeModelWeights(model, saved);
  }
}

/** The signature detection on a dataset's activation patterns and its input-space neighbours. */
function detectSignatureOn(
  dataset: ImageDataset,
  patterns: readonly LayerPattern[],
  none: ResolvedNoneOptions,
  groupStays: (members: Int32Array, channels: Record<string, number[]>) => number,
): NoneDetection {
  return detectSignature(
    {
      labels: dataset.labels,
      numClasses: dataset.numClasses,
      patterns,
      ...neighbourWitness(dataset, none.neighbours),
      groupStays,
    },
    none.signature,
  );
}
