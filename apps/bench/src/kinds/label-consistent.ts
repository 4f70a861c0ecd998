// The `label-consistent` run kind's poisoning step: Turner et al.'s clean-label attack needs a
// model (PGD on a clean surrogate), so it cannot be a pure attack config. The run is otherwise
// a plain experiment: `executeRun` hands the poisoned set to `runExperiment`.
import { type LabelConsistentResult, labelConsistentPoison } from '@none/attacks/model';
import type { DatasetSplit } from '@none/data';
import type { ExperimentOptions } from '@none/experiment';
import { buildModel } from '@none/models';
import { createOptimizer, trainEpochs } from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { BenchError } from '../errors';

/** `spec.params` of a `label-consistent` run. */
export const labelConsistentParamsSchema = z.strictObject({
  /** Epochs of clean training of the surrogate that PGD attacks. @default 3 */
  surrogateEpochs: z.number().int().min(1).default(3),
  /** L-inf radius of the perturbation, in pixel units of [0, 1]. @default 16/255 (Turner et al.'s CIFAR-10 choice) */
  epsilon: z
    .number()
    .positive()
    .max(1)
    .default(16 / 255),
  /** PGD steps. @default 10 */
  steps: z.number().int().min(1).default(10),
});

export type LabelConsistentParams = z.output<typeof labelConsistentParamsSchema>;

/** Parses `spec.params` of a `label-consistent` run; the error names the run and every bad field. */
export function parseLabelConsistentParams(
  params: unknown,
  where = 'label-consistent run',
): LabelConsistentParams {
  const result = labelConsistentParamsSchema.safeParse(params ?? {});
  if (!result.success) {
    throw new BenchError(
      'E_INVALID_PARAMS',
      `${where}: invalid params:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/** The surrogate's seed offset: not the undefended model's (offset 0) nor a defense's. */
const SURROGATE_SEED_OFFSET = 7919;

/**
 * The poisoned training set of a label-consistent run: trains a surrogate of the config's
 * network on the clean training set (`surrogateEpochs`, the config's optimizer and batch size),
 * then `labelConsistentPoison` perturbs `round(poisonRate * n)` target-class images with L-inf
 * PGD on it and stamps the config's trigger. The labels stay correct. Deterministic in the
 * config and params (the surrogate is rebuilt on every resume, not checkpointed).
 *
 * @throws {BenchError} `E_INVALID_CONFIG` when the config has no all-to-one, clean-label attack
 */
export async function labelConsistentTrainingSet(
  experiment: ExperimentOptions,
  params: LabelConsistentParams,
  data: DatasetSplit,
  where: string,
): Promise<LabelConsistentResult> {
  const attack = experiment.attack;
  if (attack?.config.cleanLabel !== true) {
    throw new BenchError(
      'E_INVALID_CONFIG',
      `${where}: a label-consistent run needs config.attack with cleanLabel: true (the trigger stamped after PGD), got ${attack ? `cleanLabel ${String(attack.config.cleanLabel)}` : 'null'}`,
    );
  }
  const { train } = data;
  const { training, seed } = experiment;
  const surrogate = buildModel({
    ...experiment.model,
    inputShape: train.shape.slice(1),
    numClasses: train.numClasses,
    seed: seed + SURROGATE_SEED_OFFSET,
  } as Parameters<typeof buildModel>[0]);
  try {
    const optimizer = createOptimizer(
      surrogate.model.trainableWeights.map((w) => w.read() as tf.Variable),
      training.optimizer,
    );
    try {
      await trainEpochs(surrogate.model, train, {
        epochs: params.surrogateEpochs,
        batchSize: training.batchSize,
        optimizer,
        seed: seed + SURROGATE_SEED_OFFSET,
      });
    } finally {
      optimizer.dispose();
    }
    const { target, cleanLabel: _clean, labelMode: _mode, ...trigger } = attack.config;
    return labelConsistentPoison(surrogate.model, train, {
      target: target ?? 0,
      rate: attack.rate,
      epsilon: params.epsilon,
      steps: params.steps,
      trigger: trigger as Parameters<typeof labelConsistentPoison>[2]['trigger'],
      seed,
    });
  } finally {
    surrogate.model.dispose();
  }
}
