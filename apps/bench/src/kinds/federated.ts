// The `federated` run kind: FedAvg with DBA clients, undefended and with NONE (§5.4, Table 7).
// The design is documented on `federatedParamsSchema` (./federated-params.ts).
import { attackTestSet } from '@none/attacks';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import { buildModel } from '@none/models';
import {
  detectionQuality,
  evaluateBackdoor,
  type LearningRateSchedule,
  readModelWeights,
  resolveNoneOptions,
  writeModelWeights,
} from '@none/trainer';
import { BenchError } from '../errors';
import { type ExecuteRunOptions, loadRunData, resultEnvelope } from '../run-context';
import type { RunResult, RunSpec } from '../types';
import { createFederatedClients } from './federated-clients';
import { parseFederatedParams } from './federated-params';
import { type Federation, federatedDetection, fedRound, removedIndices } from './federation';

/**
 * Runs a `federated` spec (see `federatedParamsSchema` in ./federated-params.ts for the design): the undefended
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
    throw new BenchError(
      'E_INVALID_CONFIG',
      `${where}: federated runs detect on the clients' pooled neuron values, which the signature variant does not read; set none.variant to consensus, paper or confidence-gap`,
    );
  }
  const configured = config.none.warmupEpochs;
  const warmupRounds = params.warmupRounds ?? (typeof configured === 'number' ? configured : 3);
  const roundsPerDetection = params.roundsPerDetection ?? Math.max(1, none.epochsPerRound);
  const attack = experiment.attack?.config;
  if (attack?.type !== 'badnets') {
    throw new BenchError(
      'E_INVALID_CONFIG',
      `${where}: a federated run needs a BadNets attack (its patch is split among the malicious clients), got ${attack ? attack.type : 'null'}`,
    );
  }
  if (experiment.defense !== 'NONE' && experiment.defense !== 'none') {
    throw new BenchError(
      'E_INVALID_CONFIG',
      `${where}: a federated run defends with NONE or nothing, got defense ${experiment.defense}`,
    );
  }
  if (experiment.defense === 'NONE' && warmupRounds >= params.rounds) {
    throw new BenchError(
      'E_INVALID_CONFIG',
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
    const { ba, asr } = await evaluateBackdoor(f.model, test, asrSet, { batchSize: 512 });
    return { ba, asr: asr! };
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
