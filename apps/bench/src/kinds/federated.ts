// The `federated` run kind: FedAvg with DBA clients, undefended and with NONE (§5.4, Table 7).
import { attackTestSet, createBadNetsTrigger, type MaskedTrigger } from '@none/attacks';
import { poisonClientDataset, splitTriggerForClients } from '@none/attacks/model';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import { createRandom, type ImageDataset, subsetDataset } from '@none/data';
import type { ExperimentEvent } from '@none/experiment';
import { buildModel, type NeuronLayer, resetNeurons } from '@none/models';
import { type ActivationProbeResult, createActivationProbe } from '@none/probe';
import {
  accuracy,
  argmaxRows,
  createOptimizer,
  detectionQuality,
  detectNone,
  type EpochLogs,
  epochSeed,
  type LearningRateSchedule,
  learningRateAt,
  type NoneActivations,
  type NoneRoundRecord,
  predictLogits,
  readModelWeights,
  resolveNoneOptions,
  trainEpochs,
  writeModelWeights,
} from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { type ExecuteRunOptions, loadRunData, RUN_KINDS, resultEnvelope } from '../execute-run';
import type { RunResult, RunSpec } from '../types';

/**
 * Federated learning with a distributed backdoor attack, undefended and defended by NONE: the
 * paper's §5.4 (Table 7), "10 participants, of which 4 are malicious participants who conduct
 * the distributed Trojan attacks jointly"; the attackers "train their local models on the
 * poisoned training data and contribute to the global model without scaling", and NONE
 * "requires the participants to use their data to test the global model and upload the
 * activation values of the global model to identify compromised neurons".
 *
 * The run, step by step:
 * 1. **Shards.** The training set is split IID into `clients` shards ({@link iidShards}: a
 *    seeded permutation cut into near-equal contiguous parts, sizes differ by at most one).
 * 2. **DBA.** The attack of the config (BadNets only: a patch whose mask is split) is the
 *    *global* trigger; {@link splitTriggerForClients} cuts it into `malicious` local parts
 *    (a 4x4 patch into four 2x2 quarters). Client k < `malicious` poisons `poisonRate` of its
 *    shard with local part k (`poisonClientDataset`: stamped and relabelled to the target).
 *    The others are benign. ASR is measured on the test set stamped with the global trigger
 *    (`attackTestSet` of the same config), as DBA does.
 * 3. **FedAvg** (McMahan et al.). Each round every client starts from the global weights and
 *    trains `localEpochs` epochs on its (kept) samples with a fresh optimizer of the config
 *    (SGD with momentum by default) at the round's learning rate (`training.schedule` over
 *    rounds; default x0.1 after 70% of the rounds); the server replaces the global weights
 *    by the sample-count weighted mean of the client weights ({@link fedAvg}). No client
 *    scales its update.
 * 4. **Undefended** = the plain federated run of `rounds` rounds.
 * 5. **NONE** = the same run (the first `warmupRounds` rounds are shared with the undefended
 *    run: same seeds, so identical) where, before round `warmupRounds + d * roundsPerDetection`
 *    for d < `none.rounds`, the server asks every client to probe the current global model on
 *    its kept samples (`createActivationProbe`, the pre-activations and softmax outputs run-none
 *    uses) and report them; it concatenates the reports, runs the NONE detection of the
 *    config's variant (`detectNone`), resets the flagged neurons of the global model
 *    (`resetNeurons`) and tells every client which of its samples were flagged: the clients
 *    drop them (they are assumed to comply, as in the paper) and training continues as
 *    FedAvg, from the first detection on at `none.fineTuneLearningRate` (NONE's fine-tune
 *    epochs, as `runNone` trains them; `fineTune: false` keeps the federation's schedule).
 *    A detection that flags nothing and resets nothing ends the detections. With
 *    `none.retrain` (the config's default, as in `runExperiment`), once the `rounds` rounds
 *    are done and something was removed, the federation purifies and retrains: a fresh
 *    global model (seed + 1) trained by FedAvg for `rounds` rounds on the kept samples;
 *    the defended time includes it. Removed, precision and recall
 *    are over the training set (all clients) against the poisoned samples.
 *
 * Settings (`spec.params`, see {@link federatedParamsSchema}): `clients`, `malicious`,
 * `rounds`, `localEpochs`, `warmupRounds` (default `none.warmupEpochs` of the config),
 * `roundsPerDetection` (default `none.epochsPerRound`, at least 1), `fineTune`. The config gives the
 * data, model, attack, `poisonRate` (per malicious client), optimizer, batch size, seed and
 * NONE's options; `training.epochs` is not used (the federation trains `rounds x
 * localEpochs` local epochs). A killed federated run starts again from round 0 (no
 * checkpoints: runs are minutes long at cpu scale).
 *
 * @see C. Xie, K. Huang, P.-Y. Chen, B. Li, "DBA: Distributed Backdoor Attacks against
 * Federated Learning", ICLR 2020.
 * @see H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017.
 * @see K. Liu et al., "Training with More Confidence: Mitigating Injected and Natural
 * Backdoors During Training", NeurIPS 2022, §5.4 and Table 7.
 */
export const federatedParamsSchema = z
  .strictObject({
    /** Participants. @default 10 */
    clients: z.number().int().min(1).default(10),
    /** Malicious participants (clients 0..malicious-1), one local trigger part each. @default 4 */
    malicious: z.number().int().min(0).default(4),
    /** FedAvg rounds. */
    rounds: z.number().int().positive(),
    /** Local epochs of every client per round. @default 1 */
    localEpochs: z.number().int().positive().default(1),
    /** Rounds before NONE's first detection. @default the config's none.warmupEpochs */
    warmupRounds: z.number().int().positive().optional(),
    /** Rounds between two detections. @default max(1, the config's none.epochsPerRound) */
    roundsPerDetection: z.number().int().positive().optional(),
    /**
     * From NONE's first detection on, the clients train at `none.fineTuneLearningRate` (NONE's
     * fine-tune epochs, as `runNone` does); `false`: at the federation's own schedule.
     * @default true
     */
    fineTune: z.boolean().default(true),
  })
  .refine((p) => p.malicious <= p.clients, {
    message: 'malicious must be at most clients',
    path: ['malicious'],
  });

export type FederatedParams = z.output<typeof federatedParamsSchema>;
export type FederatedParamsInput = z.input<typeof federatedParamsSchema>;

/** Validates `spec.params` of a federated run. @throws {RangeError} naming the bad fields. */
export function parseFederatedParams(params: unknown, where = 'federated run'): FederatedParams {
  const result = federatedParamsSchema.safeParse(params ?? {});
  if (!result.success) {
    throw new RangeError(`${where}: invalid params:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * Splits `[0, n)` IID into `clients` shards: a permutation drawn with `createRandom(seed)`
 * cut into contiguous parts (the first `n mod clients` get one sample more), each sorted
 * ascending. The shards partition `[0, n)`.
 */
export function iidShards(n: number, clients: number, seed: number): Int32Array[] {
  if (!Number.isInteger(clients) || clients < 1 || clients > n) {
    throw new RangeError(`iidShards: clients must be an integer in [1, ${n}], got ${clients}`);
  }
  const order = createRandom(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const base = Math.floor(n / clients);
  const extra = n % clients;
  const shards: Int32Array[] = [];
  let start = 0;
  for (let k = 0; k < clients; k++) {
    const size = base + (k < extra ? 1 : 0);
    shards.push(order.slice(start, start + size).sort());
    start += size;
  }
  return shards;
}

/** One client's contribution to a FedAvg round. */
export interface ClientUpdate {
  /** Its model's weights after local training (every weight of the model, in order). */
  weights: readonly Float32Array[];
  /** The samples it trained on (the weight of its update). */
  samples: number;
}

/**
 * FedAvg's server step: the sample-count weighted mean of the clients' weights,
 * `w = Σ_k (n_k / Σ n) w_k`, accumulated in float64.
 * @throws {RangeError} without updates, with mismatched weight shapes or no samples.
 */
export function fedAvg(updates: readonly ClientUpdate[]): Float32Array[] {
  if (updates.length === 0) throw new RangeError('fedAvg: no client updates');
  const total = updates.reduce((s, u) => s + u.samples, 0);
  if (!(total > 0)) throw new RangeError(`fedAvg: the updates hold ${total} samples, expected > 0`);
  const first = updates[0]!.weights;
  return first.map((tensor, t) => {
    const sum = new Float64Array(tensor.length);
    for (const [k, update] of updates.entries()) {
      const values = update.weights[t];
      if (update.weights.length !== first.length || values?.length !== tensor.length) {
        throw new RangeError(
          `fedAvg: update ${k} has ${update.weights.length} weights (weight ${t}: ${values?.length} values), update 0 has ${first.length} (${tensor.length} values)`,
        );
      }
      const share = update.samples / total;
      for (let i = 0; i < values.length; i++) sum[i]! += share * values[i]!;
    }
    return Float32Array.from(sum);
  });
}

/** The participants of a federated run. */
export interface FederatedClients {
  /** Per client, its data (poisoned for the malicious ones). */
  data: ImageDataset[];
  /** Per client, the training-set index of each of its samples (its shard). */
  shards: Int32Array[];
  /** Per client, the poisoned samples (indices into its data); empty for benign clients. */
  poisoned: Int32Array[];
  /** The trigger of the test set. */
  globalTrigger: MaskedTrigger;
  /** Malicious client k's part of it. */
  localTriggers: MaskedTrigger[];
}

/**
 * Shards the training set ({@link iidShards}, seed `epochSeed(seed, 0, 17)`) and poisons the
 * shard of client k < `malicious` with local part k of the BadNets trigger `attack`
 * (`round(rate * n_k)` non-target samples, seed `epochSeed(seed, k, 13)`).
 */
export function createFederatedClients(
  train: ImageDataset,
  options: {
    clients: number;
    malicious: number;
    attack: { type: 'badnets'; target?: number } & Parameters<typeof createBadNetsTrigger>[1];
    rate: number;
    seed: number;
  },
): FederatedClients {
  const [n, height, width, channels] = train.shape;
  const shards = iidShards(n, options.clients, epochSeed(options.seed, 0, 17));
  const { type: _type, target = 0, ...patch } = options.attack;
  const globalTrigger = createBadNetsTrigger({ height, width, channels }, patch);
  const localTriggers =
    options.malicious > 0 ? splitTriggerForClients(globalTrigger, options.malicious) : [];
  const data: ImageDataset[] = [];
  const poisoned: Int32Array[] = [];
  for (const [k, shard] of shards.entries()) {
    const clean = subsetDataset(train, shard);
    if (k < options.malicious) {
      const result = poisonClientDataset(clean, localTriggers[k]!, {
        target,
        rate: options.rate,
        seed: epochSeed(options.seed, k, 13),
      });
      data.push(result.dataset);
      poisoned.push(result.poisonedIndices);
    } else {
      data.push(clean);
      poisoned.push(new Int32Array(0));
    }
  }
  return { data, shards, poisoned, globalTrigger, localTriggers };
}

function kept(n: number, removed: ReadonlySet<number>): Int32Array {
  const result: number[] = [];
  for (let i = 0; i < n; i++) if (!removed.has(i)) result.push(i);
  return Int32Array.from(result);
}

interface Federation {
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
async function fedRound(
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
    const indices = kept(data.shape[0], f.removed[k]!);
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
        seed: epochSeed(seed, k, 11),
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
async function federatedDetection(
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
      const indices = kept(data.shape[0], f.removed[k]!);
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
    seed: epochSeed(f.seed, detection, 7),
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
function removedIndices(f: Federation): number[] {
  return f.removed
    .flatMap((set, k) => [...set].map((i) => f.clients.shards[k]![i]!))
    .sort((a, b) => a - b);
}

/**
 * Runs a `federated` spec (see {@link federatedParamsSchema} for the design): the undefended
 * federation and, with `defense: 'NONE'`, the NONE-defended one from the same warm-up.
 */
export async function executeFederatedRun(
  spec: RunSpec,
  options: ExecuteRunOptions,
): Promise<RunResult> {
  const where = `${options.suite}/${spec.id}`;
  const config = parseExperimentConfig(spec.config, where);
  const experiment = toExperimentOptions(config);
  const params = parseFederatedParams(spec.params, where);
  const none = resolveNoneOptions(experiment.none);
  if (none.variant === 'signature') {
    throw new RangeError(
      `${where}: federated runs detect on the clients' pooled neuron values, which the signature variant does not read; set none.variant to consensus, paper or confidence-gap`,
    );
  }
  const configured = config.none.warmupEpochs;
  const warmupRounds = params.warmupRounds ?? (typeof configured === 'number' ? configured : 3);
  const roundsPerDetection = params.roundsPerDetection ?? Math.max(1, none.epochsPerRound);
  const attack = experiment.attack?.config;
  if (attack?.type !== 'badnets') {
    throw new RangeError(
      `${where}: a federated run needs a BadNets attack (its patch is split among the malicious clients), got ${attack ? attack.type : 'null'}`,
    );
  }
  if (experiment.defense !== 'NONE' && experiment.defense !== 'none') {
    throw new RangeError(
      `${where}: a federated run defends with NONE or nothing, got defense ${experiment.defense}`,
    );
  }
  if (experiment.defense === 'NONE' && warmupRounds >= params.rounds) {
    throw new RangeError(
      `${where}: warmupRounds (${warmupRounds}) must be less than rounds (${params.rounds})`,
    );
  }
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const { train, test } = await loadRunData(spec, experiment.dataset);
  const clients = createFederatedClients(train, {
    clients: params.clients,
    malicious: params.malicious,
    attack,
    rate: experiment.attack!.rate,
    seed: experiment.seed,
  });
  const asrSet = attackTestSet(test, attack).dataset;
  const built = buildModel({
    ...experiment.model,
    inputShape: train.shape.slice(1),
    numClasses: train.numClasses,
    seed: experiment.seed,
  } as Parameters<typeof buildModel>[0]);
  const schedule: LearningRateSchedule = config.training.schedule ?? {
    type: 'multistep',
    milestones: [Math.round(params.rounds * 0.7)],
    gamma: 0.1,
  };
  const f: Federation = {
    model: built.model,
    neurons: built.metadata.neurons,
    clients,
    removed: clients.data.map(() => new Set<number>()),
    params,
    optimizer: experiment.training.optimizer,
    // The parsed config always has one; 0.05 is the trainer's default SGD rate.
    baseLearningRate: experiment.training.optimizer.learningRate ?? 0.05,
    schedule,
    batchSize: experiment.training.batchSize,
    augment: experiment.training.augment,
    seed: experiment.seed,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  const evaluate = async (weights: Float32Array[]) => {
    writeModelWeights(f.model, weights);
    const predict = async (data: ImageDataset) =>
      accuracy(argmaxRows(await predictLogits(f.model, data, 512), data.numClasses), data.labels);
    return { ba: await predict(test), asr: await predict(asrSet) };
  };
  try {
    // Shared warm-up (all rounds when there is no defense).
    const shared = experiment.defense === 'NONE' ? warmupRounds : params.rounds;
    await f.onEvent?.({ type: 'stage', stage: 'warmup', epochs: shared });
    let warmupMs = 0;
    let global = readModelWeights(f.model);
    let t = performance.now();
    for (let round = 0; round < shared; round++)
      global = await fedRound(f, global, round, 'warmup');
    warmupMs = performance.now() - t;
    const snapshot = global;
    // Undefended: the remaining rounds.
    await f.onEvent?.({ type: 'stage', stage: 'undefended', epochs: params.rounds - shared });
    t = performance.now();
    for (let round = shared; round < params.rounds; round++) {
      global = await fedRound(f, global, round, 'undefended');
    }
    const undefendedMs = warmupMs + performance.now() - t;
    const undefended = { ...(await evaluate(global)), trainMs: undefendedMs };
    await f.onEvent?.({
      type: 'evaluated',
      stage: 'undefended',
      result: { ...undefended, epochs: params.rounds },
    });
    let defended: RunResult['defended'] = null;
    if (experiment.defense === 'NONE') {
      await f.onEvent?.({ type: 'stage', stage: 'none', epochs: params.rounds - warmupRounds });
      t = performance.now();
      global = snapshot;
      let detections = 0;
      let active = true;
      const poisoned = clients.poisoned.flatMap((local, k) =>
        Array.from(local, (i) => clients.shards[k]![i]!),
      );
      for (let round = warmupRounds; round < params.rounds; round++) {
        const due = (round - warmupRounds) % roundsPerDetection === 0;
        if (active && due && detections < none.rounds) {
          const { weights, record } = await federatedDetection(f, global, detections, none);
          global = weights;
          detections += 1;
          const quality = detectionQuality(removedIndices(f), poisoned);
          await f.onEvent?.({
            type: 'none',
            event: {
              type: 'detected',
              round: record.round,
              record: { ...record, precision: quality.precision, recall: quality.recall },
            },
          });
          if (record.removed === 0 && Object.values(record.neuronsReset).every((c) => c === 0)) {
            active = false;
          }
        }
        const rate = params.fineTune ? none.fineTuneLearningRate : undefined;
        global = await fedRound(f, global, round, 'none', rate);
      }
      const removed = removedIndices(f);
      if (config.none.retrain && removed.length > 0) {
        // Purify and retrain: a fresh global model (another initialisation and order seed),
        // FedAvg from scratch on the samples the clients kept.
        const fresh = buildModel({
          ...experiment.model,
          inputShape: train.shape.slice(1),
          numClasses: train.numClasses,
          seed: experiment.seed + 1,
        } as Parameters<typeof buildModel>[0]);
        global = readModelWeights(fresh.model);
        fresh.model.dispose();
        await f.onEvent?.({ type: 'stage', stage: 'retrain', epochs: params.rounds });
        for (let round = 0; round < params.rounds; round++) {
          global = await fedRound(f, global, round, 'retrain', undefined, experiment.seed + 1);
        }
      }
      const trainMs = warmupMs + performance.now() - t;
      const result = await evaluate(global);
      await f.onEvent?.({
        type: 'evaluated',
        stage: 'none',
        result: { ...result, trainMs, epochs: params.rounds },
      });
      const quality = detectionQuality(removed, poisoned);
      defended = {
        defense: 'NONE',
        variant: none.variant,
        ...result,
        trainMs,
        removed: removed.length,
        precision: quality.precision,
        recall: quality.recall,
        overhead: trainMs / undefendedMs,
      };
    }
    return {
      ...resultEnvelope(spec, options, experiment.seed, startedAt, performance.now() - started),
      undefended,
      defended,
    };
  } finally {
    built.model.dispose();
  }
}

/** Makes `executeRun` run `kind: 'federated'` specs with {@link executeFederatedRun}. */
export function registerFederatedKind(): void {
  RUN_KINDS.federated = executeFederatedRun;
}
