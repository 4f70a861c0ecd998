// The `adaptive` run kind: the adaptive (code-poisoning) attack of §8.10, Table 16.
import { join } from 'node:path';
import {
  type AttackConfig,
  applyAttack,
  attackTestSet,
  mapLabels,
  poisonDataset,
} from '@none/attacks';
import { adaptiveAttackLoss } from '@none/attacks/model';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import { createRandom, type ImageDataset } from '@none/data';
import { type BuiltModel, buildModel, setDropoutStep } from '@none/models';
import {
  accuracy,
  argmaxRows,
  createOptimizer,
  detectionQuality,
  epochSeed,
  gatherBatch,
  type NoneRoundRecord,
  type Optimizer,
  predictLogits,
  readCheckpoint,
  readModelWeights,
  resolveNoneOptions,
  runNone,
  trainEpochs,
  writeCheckpoint,
  writeModelWeights,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import {
  type ExecuteRunOptions,
  loadRunData,
  RUN_KINDS,
  resultEnvelope,
  runHash,
} from '../execute-run';
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
    throw new RangeError(`${where}: invalid params:\n${z.prettifyError(result.error)}`);
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

/** Options of {@link adaptiveFineTune}. */
export interface AdaptiveFineTuneOptions {
  alpha: number;
  epochs: number;
  /** Global index of the first epoch (seeds depend on it). @default 0 */
  startEpoch?: number;
  batchSize: number;
  optimizer: Optimizer;
  seed: number;
  /** Layers whose outputs enter the activation term. */
  layers: readonly string[];
  onEpochEnd?: (epoch: number, loss: number) => void | Promise<void>;
}

/**
 * The attacker's fine-tune of §8.10: per batch of clean samples `x` (labels `y`) and the
 * same samples with the trigger `x̃` (labels `y_t`), one step on Eq. 9,
 * `CE(F(x), y) + CE(F(x̃), y_t) + α Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²`, the activation sum averaged
 * over the batch (a per-sample sum, so that α does not depend on the batch size). The
 * order of epoch e is `createRandom(epochSeed(seed, e, 11))`. Returns the mean loss per epoch.
 * @see Liu et al., "Training with More Confidence: Mitigating Injected and Natural Backdoors
 * During Training", NeurIPS 2022, §8.10, Eq. 9, Table 16.
 */
export async function adaptiveFineTune(
  model: BuiltModel['model'],
  clean: ImageDataset,
  triggered: ImageDataset,
  options: AdaptiveFineTuneOptions,
): Promise<number[]> {
  const { alpha, epochs, startEpoch = 0, batchSize, optimizer, seed, layers } = options;
  if (clean.shape.join() !== triggered.shape.join()) {
    throw new RangeError(
      `adaptiveFineTune: clean is [${clean.shape.join(', ')}] but triggered is [${triggered.shape.join(', ')}]; x̃ must be x with the trigger`,
    );
  }
  const [n, h, w, c] = clean.shape;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const losses: number[] = [];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
    const order = createRandom(epochSeed(seed, epoch, 11)).shuffle(all.slice());
    let sum = 0;
    for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
      const end = Math.min(n, start + batchSize);
      const x = gatherBatch(clean, order, start, end);
      const xt = gatherBatch(triggered, order, start, end);
      setDropoutStep(model, epoch * 1_000_003 + batch);
      const size = end - start;
      const loss = tf.tidy(() => {
        const benign = tf.tensor4d(x.images, [size, h, w, c]);
        const poisoned = tf.tensor4d(xt.images, [size, h, w, c]);
        const labels = tf.tensor1d(x.labels, 'int32');
        const targetLabels = tf.tensor1d(xt.labels, 'int32');
        const { value, grads } = tf.variableGrads(
          () =>
            adaptiveAttackLoss(
              model,
              { benign, labels, triggered: poisoned, targetLabels },
              { alpha: alpha / size, layers },
            ),
          variables,
        );
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        return value;
      });
      const value = (await loss.data())[0]!;
      loss.dispose();
      if (!Number.isFinite(value)) {
        throw new RangeError(
          `adaptiveFineTune: the loss became ${value} at epoch ${epoch}, batch ${batch} (alpha ${alpha}); lower attackLearningRate or alpha`,
        );
      }
      sum += value * size;
    }
    losses.push(sum / n);
    await options.onEpochEnd?.(epoch, sum / n);
  }
  return losses;
}

/**
 * Mean over the samples of `Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²` (inference mode): how far the trigger
 * moves the activations of `layers`, the quantity the adaptive attack makes small.
 */
export async function activationDistance(
  model: BuiltModel['model'],
  clean: ImageDataset,
  triggered: ImageDataset,
  layers: readonly string[],
  batchSize = 256,
): Promise<number> {
  const [n, h, w, c] = clean.shape;
  const extractor = functionalModel({
    inputs: model.inputs,
    outputs: layers.map((name) => model.getLayer(name).output as SymbolicTensor),
  });
  const all = Int32Array.from({ length: n }, (_, i) => i);
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const x = gatherBatch(clean, all, start, end);
    const xt = gatherBatch(triggered, all, start, end);
    const value = tf.tidy(() => {
      const a = extractor.predict(tf.tensor4d(x.images, [end - start, h, w, c])) as
        | tf.Tensor
        | tf.Tensor[];
      const b = extractor.predict(tf.tensor4d(xt.images, [end - start, h, w, c])) as
        | tf.Tensor
        | tf.Tensor[];
      const la = Array.isArray(a) ? a : [a];
      const lb = Array.isArray(b) ? b : [b];
      return tf.addN(la.map((t, i) => tf.sum(tf.squaredDifference(t, lb[i]!))));
    });
    total += (await value.data())[0]!;
    value.dispose();
  }
  return total / n;
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
    throw new RangeError(`${where}: an adaptive run needs an attack (config.attack is null)`);
  }
  if (experiment.defense !== 'NONE') {
    throw new RangeError(
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
  const evaluate = async (built: BuiltModel) => ({
    ba: accuracy(
      argmaxRows(await predictLogits(built.model, test, evaluationBatch), test.numClasses),
      test.labels,
    ),
    asr: accuracy(
      argmaxRows(await predictLogits(built.model, asrSet, evaluationBatch), test.numClasses),
      asrSet.labels,
    ),
  });

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

/** Registers {@link executeAdaptiveRun} as the runner of `kind: 'adaptive'` specs. */
export function registerAdaptiveKind(): void {
  RUN_KINDS.adaptive = executeAdaptiveRun;
}
