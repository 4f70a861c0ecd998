// One federation in training: its FedAvg rounds (every client trains from the global weights,
// the server averages) and NONE's detections on the global model from the clients' reports.

import type { toExperimentOptions } from '@none/config';
import { subsetDataset } from '@none/data';
import type { ExperimentEvent } from '@none/experiment';
import { type NeuronLayer, resetNeurons } from '@none/models';
import { type ActivationProbeResult, createActivationProbe } from '@none/probe';
import { deriveSeed } from '@none/stats';
import {
  type ClientUpdate,
  createOptimizer,
  detectNone,
  type EpochLogs,
  fedAvg,
  keptIndices,
  type LearningRateSchedule,
  learningRateAt,
  type NoneActivations,
  type NoneRoundRecord,
  readModelWeights,
  type resolveNoneOptions,
  trainEpochs,
  writeModelWeights,
} from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { FederatedClients } from './federated-clients';
import type { FederatedParams } from './federated-params';

/** Everything a federated round needs: the shared model, the clients and the training settings. */
export interface Federation {
  model: tfl.LayersModel;
  neurons: readonly NeuronLayer[];
  clients: FederatedClients;
  /** Per client, its dropped samples (indices into its data). */
  removed: Set<number>[];
  params: FederatedParams;
  optimizer: ReturnType<typeof toExperimentOptions>['training']['optimizer'];
  baseLearningRate: number;
  schedule: LearningRateSchedule;
  batchSize: number;
  augment: ReturnType<typeof toExperimentOptions>['training']['augment'];
  seed: number;
  onEvent?: (event: ExperimentEvent) => void | Promise<void>;
}

/** One FedAvg round from `global`; returns the new global weights. */
export async function fedRound(
  f: Federation,
  global: Float32Array[],
  round: number,
  stage: 'warmup' | 'undefended' | 'none' | 'retrain',
  fineTuneRate?: number,
  seed = f.seed,
): Promise<Float32Array[]> {
  const started = performance.now();
  const learningRate = fineTuneRate ?? learningRateAt(f.baseLearningRate, round, f.schedule);
  const updates: ClientUpdate[] = [];
  let loss = 0;
  let hits = 0;
  for (const [k, data] of f.clients.data.entries()) {
    const indices = keptIndices(data.shape[0], f.removed[k]!);
    if (indices.length === 0) continue;
    writeModelWeights(f.model, global);
    const variables = f.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = createOptimizer(variables, { ...f.optimizer, learningRate });
    try {
      const logs = await trainEpochs(f.model, data, {
        epochs: f.params.localEpochs,
        startEpoch: round * f.params.localEpochs,
        batchSize: f.batchSize,
        optimizer,
        seed: deriveSeed(seed, 'federated-client', k),
        augment: f.augment,
        indices,
      });
      const last = logs[logs.length - 1]!;
      loss += last.loss * indices.length;
      hits += last.accuracy * indices.length;
    } finally {
      optimizer.dispose();
    }
    updates.push({ weights: readModelWeights(f.model), samples: indices.length });
  }
  const next = fedAvg(updates);
  const samples = updates.reduce((s, u) => s + u.samples, 0);
  const logs: EpochLogs = {
    epoch: round,
    loss: loss / samples,
    accuracy: hits / samples,
    learningRate,
    samples,
    milliseconds: performance.now() - started,
  };
  await f.onEvent?.({ type: 'epoch', stage, logs, epochs: f.params.rounds });
  return next;
}

/**
 * One NONE detection on the global model: every client probes its kept samples and reports
 * its activations; the server detects on their concatenation, resets the neurons in `global`
 * (returned) and the flagged samples are dropped by their clients (`f.removed`).
 */
export async function federatedDetection(
  f: Federation,
  global: Float32Array[],
  detection: number,
  none: ReturnType<typeof resolveNoneOptions>,
): Promise<{ weights: Float32Array[]; record: Omit<NoneRoundRecord, 'precision' | 'recall'> }> {
  const probeStarted = performance.now();
  writeModelWeights(f.model, global);
  const probe = createActivationProbe(f.model, { neurons: f.neurons });
  const owner: { client: number; index: number }[] = [];
  const reports: ActivationProbeResult[] = [];
  try {
    for (const [k, data] of f.clients.data.entries()) {
      const indices = keptIndices(data.shape[0], f.removed[k]!);
      if (indices.length === 0) continue;
      reports.push(
        await probe.collect(subsetDataset(data, indices), { batchSize: none.probeBatchSize }),
      );
      for (const index of indices) owner.push({ client: k, index });
    }
  } finally {
    probe.dispose();
  }
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  const activations: NoneActivations = {
    n: owner.length,
    numClasses: reports[0]!.numClasses,
    probabilities: concat(reports.map((r) => r.probabilities)),
    layers: reports[0]!.layers.map((layer, l) => ({
      layer: layer.layer,
      neurons: layer.neurons,
      values: concat(reports.map((r) => r.layers[l]!.values)),
    })),
  };
  const probeMs = performance.now() - probeStarted;
  const detectStarted = performance.now();
  const result = detectNone(activations, none);
  for (const row of result.flagged) {
    const { client, index } = owner[row]!;
    f.removed[client]!.add(index);
  }
  resetNeurons(f.model, f.neurons, result.resetNeurons, {
    mode: none.reset,
    seed: deriveSeed(f.seed, 'none-reset', detection),
  });
  const weights = readModelWeights(f.model);
  const removedTotal = f.removed.reduce((s, r) => s + r.size, 0);
  return {
    weights,
    record: {
      round: detection,
      neuronsReset: Object.fromEntries(
        Object.entries(result.resetNeurons).map(([layer, channels]) => [layer, channels.length]),
      ),
      removed: result.flagged.length,
      removedTotal,
      probeMs,
      detectMs: performance.now() - detectStarted,
      trainMs: 0,
      details: result.details,
    },
  };
}

/** Training-set indices of the samples the clients dropped, ascending. */
export function removedIndices(f: Federation): number[] {
  return f.removed
    .flatMap((set, k) => [...set].map((i) => f.clients.shards[k]![i]!))
    .sort((a, b) => a - b);
}
