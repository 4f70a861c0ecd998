// The `adaptive` run kind: the adaptive (code-poisoning) attack of §8.10, Table 16.
import { join } from 'node:path';
import {
  type AttackConfig,
  applyAttack,
  attackTestSet,
  mapLabels,
  poisonDataset,
} from '@none/attacks';
import { adaptiveFineTune } from '@none/attacks/model';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import type { ImageDataset } from '@none/data';
import { type BuiltModel, buildModel, setDropoutStep } from '@none/models';
import {
  createOptimizer,
  detectionQuality,
  evaluateBackdoor,
  type NoneRoundRecord,
  readCheckpoint,
  readModelWeights,
  resolveNoneOptions,
  runNone,
  trainEpochs,
  writeCheckpoint,
  writeModelWeights,
} from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { BenchError } from '../errors';
import { type ExecuteRunOptions, loadRunData, resultEnvelope, runHash } from '../run-context';
import type { ModelMetrics, RunResult, RunSpec } from '../types';

/** `spec.params` of an `adaptive` run. */
export const adaptiveParamsSchema = z.strictObject({
  /** α of Eq. 9: the weight of the activation-distance term (Table 16: 1e-4 to 1e-1). */
  alpha: z.number().min(0).finite(),
  /** Epochs of the attacker's fine-tune with the Eq. 9 loss, after the benign training. @default 5 */
  attackEpochs: z.number().int().min(1).default(5),
  /**
   * Learning rate of the fine-tune (same optimizer type and momentum as the config's).
   * @default a tenth of the config's learning rate (where its default schedule ends)
   */
  attackLearningRate: z.number().positive().optional(),
  /** Batch size of the fine-tune (pairs per batch). @default the config's batch size */
  attackBatchSize: z.number().int().min(1).optional(),
});

export type AdaptiveParams = z.output<typeof adaptiveParamsSchema>;

/** Parses `spec.params` of an `adaptive` run; the error names the run and every bad field. */
export function parseAdaptiveParams(params: unknown, where = 'adaptive run'): AdaptiveParams {
  const result = adaptiveParamsSchema.safeParse(params ?? {});
  if (!result.success) {
    throw new BenchError(
      'E_INVALID_PARAMS',
      `${where}: invalid params:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/** Where an adaptive run stands (the checkpoint's state; stage = the next stage to run). */
interface AdaptiveState {
  stage: 'benign' | 'attack' | 'none' | 'done';
  hash: string;
  benignMs: number;
  attackMs: number;
  undefended?: ModelMetrics;
  defended?: NonNullable<RunResult['defended']> & { rounds: NoneRoundRecord[] };
}

/**
 * The activation features `Iᵢ` of Eq. 9: the output of the first activation after each
 * conv/dense layer whose channels NONE watches (`metadata.neurons[*].postActivation`).
 */
export function adaptiveLayers(built: BuiltModel): string[] {
  return built.metadata.neurons.map((n) => n.postActivation);
}

/** Every training sample with the trigger, labelled with the attack's target (`x̃`, `y_t`). */
export function triggeredCopy(
  train: ImageDataset,
  attack: AttackConfig,
  seed: number,
): ImageDataset {
  const triggered = applyAttack({ images: train.images, shape: train.shape }, attack, { seed });
  return {
    images: triggered.images,
    shape: train.shape,
    labels: mapLabels(train.labels, attack, train.numClasses),
    numClasses: train.numClasses,
  };
}

/**
 * Runs one `adaptive` run (§8.10, Table 16) in this process (the backend must be
 * initialised):
 * 1. a benign model trains on the clean training data (`training.epochs`);
 * 2. the attacker fine-tunes it for `params.attackEpochs` epochs with the Eq. 9 loss on
 *    pairs (x, x̃) of the config's attack (the paper: watermark) — the undefended model;
 * 3. the defender runs NONE's rounds on that model with the poisoned training data
 *    (`poisonRate` of it stamped by the attack) and, with `none.retrain` (the default)
 *    when samples were removed, trains a fresh model on the kept samples — the defended model.
 * Checkpointed per stage in `<outDir>/runs/<id>/<hash>/checkpoint`: a killed run resumes
 * at the start of the stage it was in.
 */
export async function executeAdaptiveRun(
  spec: RunSpec,
  options: ExecuteRunOptions,
): Promise<RunResult> {
  const where = `${options.suite}/${spec.id}`;
  const params = parseAdaptiveParams(spec.params, where);
  const config = parseExperimentConfig(spec.config, where);
  const experiment = toExperimentOptions(config);
  if (!experiment.attack) {
    throw new BenchError(
      'E_INVALID_CONFIG',
      `${where}: an adaptive run needs an attack (config.attack is null)`,
    );
  }
  if (experiment.defense !== 'NONE') {
    throw new BenchError(
      'E_INVALID_CONFIG',
      `${where}: an adaptive run defends with NONE, got config.defense '${experiment.defense}'`,
    );
  }
  const attack = experiment.attack.config;
  const { seed, training } = experiment;
  const { train, test } = await loadRunData(spec, experiment.dataset);
  const poisoned = poisonDataset(train, attack, { rate: experiment.attack.rate, seed });
  const triggered = triggeredCopy(train, attack, seed);
  const asrSet = attackTestSet(test, attack).dataset;
  const evaluationBatch = experiment.evaluationBatchSize ?? 512;
  const none = resolveNoneOptions(experiment.none);
  const hash = runHash(spec);
  const checkpointDir = join(options.outDir, 'runs', spec.id, hash, 'checkpoint');
  const startedAt = new Date().toISOString();
  const started = performance.now();

  const build = (seedOffset: number) =>
    buildModel({
      ...experiment.model,
      inputShape: train.shape.slice(1),
      numClasses: train.numClasses,
      seed: seed + seedOffset,
    } as Parameters<typeof buildModel>[0]);
  const evaluate = async (built: BuiltModel) => {
    const { ba, asr } = await evaluateBackdoor(built.model, test, asrSet, {
      batchSize: evaluationBatch,
    });
    return { ba, asr: asr! };
  };

  let state: AdaptiveState = { stage: 'benign', hash, benignMs: 0, attackMs: 0 };
  const restored = await readCheckpoint<AdaptiveState>(checkpointDir);
  if (restored && restored.state.hash === hash) state = restored.state;
  const built = build(0);
  try {
    if (restored && state.stage !== 'benign') writeModelWeights(built.model, restored.weights);
    const save = () =>
      writeCheckpoint(checkpointDir, { state, weights: readModelWeights(built.model) });

    // 1. Benign training on clean data.
    if (state.stage === 'benign') {
      const t0 = performance.now();
      const optimizer = createOptimizer(
        built.model.trainableWeights.map((w) => w.read() as tf.Variable),
        training.optimizer,
      );
      try {
        await trainEpochs(built.model, train, {
          epochs: training.epochs,
          batchSize: training.batchSize,
          optimizer,
          schedule: training.schedule,
          seed,
          augment: training.augment,
        });
      } finally {
        optimizer.dispose();
      }
      state = { ...state, stage: 'attack', benignMs: performance.now() - t0 };
      await save();
    }

    // 2. The attacker's fine-tune with the Eq. 9 loss.
    if (state.stage === 'attack') {
      const t0 = performance.now();
      const base =
        training.optimizer.learningRate ?? (training.optimizer.type === 'sgd' ? 0.01 : 0.001);
      const optimizer = createOptimizer(
        built.model.trainableWeights.map((w) => w.read() as tf.Variable),
        { ...training.optimizer, learningRate: params.attackLearningRate ?? base / 10 },
      );
      try {
        await adaptiveFineTune(built.model, train, triggered, {
          alpha: params.alpha,
          epochs: params.attackEpochs,
          startEpoch: training.epochs,
          batchSize: params.attackBatchSize ?? training.batchSize,
          optimizer,
          seed,
          // One dropout step per batch, as trainEpochs numbers them.
          onBatchBegin: (epoch, batch) => setDropoutStep(built.model, epoch * 1_000_003 + batch),
          layers: adaptiveLayers(built),
        });
      } finally {
        optimizer.dispose();
      }
      const attackMs = performance.now() - t0;
      const metrics = await evaluate(built);
      state = {
        ...state,
        stage: 'none',
        attackMs,
        undefended: { ...metrics, trainMs: state.benignMs + attackMs },
      };
      await save();
    }

    // 3. NONE on the attacker's model and the poisoned training data, then the retrain.
    if (state.stage === 'none') {
      const t0 = performance.now();
      const final = await runNone(built.model, poisoned.dataset, {
        none,
        neurons: built.metadata.neurons,
        optimizer: training.optimizer,
        batchSize: training.batchSize,
        augment: training.augment,
        seed,
        firstEpoch: training.epochs + params.attackEpochs,
        poisonedIndices: poisoned.poisonedIndices,
      });
      const retrain = (experiment.none?.retrain ?? true) && final.removed.length > 0;
      let defendedModel = built;
      if (retrain) {
        const removed = new Set(final.removed);
        const kept = Int32Array.from({ length: poisoned.dataset.shape[0] }, (_, i) => i).filter(
          (i) => !removed.has(i),
        );
        defendedModel = build(1);
        const optimizer = createOptimizer(
          defendedModel.model.trainableWeights.map((w) => w.read() as tf.Variable),
          training.optimizer,
        );
        try {
          await trainEpochs(defendedModel.model, poisoned.dataset, {
            epochs: training.epochs,
            batchSize: training.batchSize,
            optimizer,
            schedule: training.schedule,
            seed: seed + 1,
            augment: training.augment,
            indices: kept,
          });
        } finally {
          optimizer.dispose();
        }
      }
      const trainMs = performance.now() - t0;
      const metrics = await evaluate(defendedModel);
      if (defendedModel !== built) defendedModel.model.dispose();
      const quality = detectionQuality(final.removed, poisoned.poisonedIndices);
      state = {
        ...state,
        stage: 'done',
        defended: {
          defense: 'NONE',
          variant: none.variant,
          ...metrics,
          trainMs,
          removed: final.removed.length,
          precision: quality.precision,
          recall: quality.recall,
          overhead: trainMs / (state.undefended?.trainMs ?? Number.NaN),
          rounds: final.records,
        },
      };
      await save();
    }
  } finally {
    built.model.dispose();
  }
  const { rounds: _rounds, ...defended } = state.defended!;
  return {
    ...resultEnvelope(spec, options, seed, startedAt, performance.now() - started),
    undefended: state.undefended!,
    defended,
  };
}
