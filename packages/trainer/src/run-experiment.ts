import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  attackTestSet,
  type PoisonManifest,
  type PoisonResult,
  poisonDataset,
} from '@none/attacks';
import {
  createRandom,
  type DatasetOptions,
  type DatasetSplit,
  type ImageDataset,
  loadDataset,
} from '@none/data';
import { type BuiltModel, buildModel, prepareUserModel, saveModel } from '@none/models';
import { createActivationProbe } from '@none/probe';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { argmaxRows, keptIndices, predictLogits } from './_batches';
import { ABL_DEFAULTS, type AblState, runAbl } from './baselines/abl';
import { activationClustering } from './baselines/activation-clustering';
import { DBD_DEFAULTS, type DbdState, runDbd } from './baselines/dbd';
import { DP_SGD_SETTINGS, trainEpochsDpSgd } from './baselines/dp-sgd';
import { NAD_DEFAULTS, type NadState, runNad } from './baselines/nad';
import { readCheckpoint, readModelWeights, writeCheckpoint, writeModelWeights } from './checkpoint';
import { TrainerError } from './errors';
import type { Defense, ExperimentOptions } from './experiment-options';
import { accuracy, detectionQuality } from './metrics';
import { SIGNATURE_SCHEDULE } from './none/none-options';
import {
  type NoneEvent,
  type NoneRoundRecord,
  type NoneState,
  resolveNoneOptions,
  runNone,
} from './none/run-none';
import { createOptimizer, type OptimizerState } from './optimizer';
import { formatReportMarkdown } from './report-markdown';
import { type EpochLogs, trainEpochs } from './train-epochs';

/** BA/ASR and time of one trained model. */
export interface ModelResult {
  /** Clean test accuracy. */
  ba: number;
  /** Attack success rate on the triggered test set (null without an attack). */
  asr: number | null;
  /** Wall time of training (and, for NONE, probing, detection and fine-tuning), ms. */
  trainMs: number;
  epochs: number;
}

export interface DefendedResult extends ModelResult {
  defense: Exclude<Defense, 'none'>;
  /** NONE's variant, or the baseline's setting. */
  variant: string;
  /** NONE's rounds (empty for the baselines). */
  rounds: NoneRoundRecord[];
  /** Training samples removed (over all rounds). */
  removed: number;
  precision: number | null;
  recall: number | null;
  retrained: boolean;
  /** Defended wall time / undefended wall time. */
  overhead: number;
  /** What a baseline did (ABL's isolation, DBD's splits, NAD's epochs), for report.json. */
  details?: Record<string, unknown>;
}

export interface ExperimentReport {
  format: 1;
  seed: number;
  backend: string;
  config: ExperimentOptions;
  configHash: string;
  dataset: { train: number; test: number; shape: number[]; numClasses: number };
  attack: { manifest: PoisonManifest; asrTestSamples: number } | null;
  undefended: ModelResult;
  defended: DefendedResult | null;
  /** Indices (into the training set) of the samples NONE removed. */
  removedIndices: number[];
}

export type ExperimentEvent =
  | { type: 'stage'; stage: Stage; epochs: number }
  | { type: 'epoch'; stage: Stage; logs: EpochLogs; epochs: number }
  | { type: 'batch'; stage: Stage; batch: number; batches: number }
  | { type: 'evaluated'; stage: Stage; result: ModelResult }
  | { type: 'none'; event: NoneEvent }
  | { type: 'resumed'; stage: Stage; epoch: number };

export type Stage = 'undefended' | 'warmup' | 'none' | 'retrain' | 'baseline';

type TrainingBaseline = 'abl' | 'nad' | 'dbd';
const TRAINING_BASELINES: readonly string[] = ['abl', 'nad', 'dbd'];

export interface RunExperimentOptions {
  /** Where checkpoints and artifacts go; without it nothing is written. */
  outDir?: string;
  /** Continue from the checkpoint in `outDir` (the config must be the same). */
  resume?: boolean;
  onEvent?: (event: ExperimentEvent) => void | Promise<void>;
  /** Datasets already loaded (tests, benchmarks); otherwise `loadDataset(options.dataset)`. */
  data?: DatasetSplit;
  /**
   * The poisoned training set, made by the caller with an attack that needs a model (e.g.
   * `labelConsistentPoison` of `@none/attacks/model`), used instead of
   * `poisonDataset(train, options.attack.config, ...)`. `options.attack` is still required:
   * its trigger makes the ASR test set. Must have the training set's shape and classes, and
   * be a function of the config alone (the checkpoint's config hash does not see it).
   */
  poisoned?: PoisonResult;
  /**
   * The caller's own model instead of `options.model` (then `{ architecture: 'custom' }`),
   * written the usual tfjs way (fused activations, a softmax output): a LayersModel, whose
   * weights every stage redraws from its initializers with the stage's seed
   * (`prepareUserModel(model, { seed })` of `@none/models`), or a function that makes a
   * model from a seed, whose weights are kept as made.
   */
  model?: tfl.LayersModel | ((seed: number) => tfl.LayersModel | Promise<tfl.LayersModel>);
  /**
   * Called with each trained model (`undefended`, then the `defended` one) before it is
   * disposed, e.g. to copy its weights out (`userModel.setWeights(model.getWeights())`).
   */
  onTrained?: (which: 'undefended' | 'defended', model: tfl.LayersModel) => void | Promise<void>;
}

interface RunState {
  stage: Stage | 'done';
  /** Epochs completed in the stage. */
  epoch: number;
  /** Epochs the NONE warm-up trained (with `warmupEpochs: 'auto'`, known once it ends). */
  warmedUp?: number;
  /** Training accuracy of the warm-up's last epoch (an `'auto'` warm-up resumes on it). */
  warmupAccuracy?: number;
  elapsedMs: number;
  undefended?: ModelResult;
  defendedMs?: number;
  none?: NoneState;
  /** Activation Clustering: the flagged training samples and the time to find them. */
  clustering?: { removed: number[]; ms: number };
  /** ABL, NAD, DBD: their own resumable state (binary parts live in the checkpoint). */
  abl?: AblState;
  nad?: NadState;
  dbd?: DbdState;
}

/** Stable hash of a JSON value (keys sorted), to tie checkpoints and results to a config. */
export function hashConfig(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, 16);
}

/** Checks a caller's poisoned training set against the clean one and the config. */
function checkPoisoned(
  poisoned: PoisonResult,
  train: ImageDataset,
  options: ExperimentOptions,
): PoisonResult {
  if (!options.attack) {
    throw new RangeError(
      'runExperiment: a poisoned training set was given but options.attack is null; set the attack whose trigger makes the ASR test set',
    );
  }
  const got = poisoned.dataset;
  if (!tf.util.arraysEqual(got.shape, train.shape) || got.numClasses !== train.numClasses) {
    throw new RangeError(
      `runExperiment: the poisoned training set is [${got.shape.join(', ')}] with ${got.numClasses} classes, the training set [${train.shape.join(', ')}] with ${train.numClasses}`,
    );
  }
  return poisoned;
}

/**
 * dataset -> attack -> model -> defense -> metrics: trains an undefended model and, with
 * `defense: 'NONE'`, a NONE-trained one from the same seed, and reports BA, ASR, times and
 * what NONE did. With `outDir`, a checkpoint is written after every epoch and every NONE
 * detection (atomically), and `resume: true` continues a killed run to the same result.
 */
export async function runExperiment(
  options: ExperimentOptions,
  run: RunExperimentOptions = {},
): Promise<ExperimentReport> {
  const userModel = async (seed: number): Promise<{ model: tfl.LayersModel; owned: boolean }> => {
    const given = run.model!;
    return typeof given === 'function'
      ? { model: await given(seed), owned: true }
      : { model: given, owned: false };
  };
  let userTopology: string | undefined;
  if (run.model) {
    const { model, owned } = await userModel(options.seed);
    userTopology = hashConfig(model.toJSON(null, false));
    if (owned) model.dispose();
  } else if (options.model.architecture === 'custom') {
    throw new TrainerError(
      'E_INVALID_ARGUMENT',
      "runExperiment: options.model is { architecture: 'custom' } but no model was given (run.model)",
    );
  }
  const configHash = hashConfig(userTopology ? { ...options, userTopology } : options);
  if (!run.data && options.dataset.type === 'custom') {
    throw new TrainerError(
      'E_INVALID_ARGUMENT',
      "runExperiment: options.dataset is { type: 'custom' } but no data was given (run.data)",
    );
  }
  const { train, test } = run.data ?? (await loadDataset(options.dataset as DatasetOptions));
  const poisoned = run.poisoned
    ? checkPoisoned(run.poisoned, train, options)
    : options.attack
      ? poisonDataset(train, options.attack.config, {
          rate: options.attack.rate,
          seed: options.seed,
        })
      : undefined;
  const trainSet: ImageDataset = poisoned?.dataset ?? train;
  const asrSet = options.attack ? attackTestSet(test, options.attack.config).dataset : undefined;
  const batch = options.evaluationBatchSize ?? 512;
  const none = resolveNoneOptions(options.none);
  const totalEpochs = options.training.epochs;
  const fineTuneEpochs = none.rounds * none.epochsPerRound;
  const warmupSetting =
    options.none?.warmupEpochs ??
    (none.variant === 'signature' ? SIGNATURE_SCHEDULE.warmupEpochs : totalEpochs - fineTuneEpochs);
  /** `'auto'`: warm up until an epoch's training accuracy reaches this, at most half the epochs. */
  const warmupAccuracy = options.none?.warmupAccuracy ?? SIGNATURE_SCHEDULE.warmupAccuracy;
  const warmupCap =
    warmupSetting === 'auto' ? Math.max(1, Math.floor(totalEpochs / 2)) : warmupSetting;
  /** `signature` retrains on the kept samples by default (it has no fine-tune rounds). */
  const retrain = options.none?.retrain ?? none.variant === 'signature';
  /** Epochs the warm-up trained (fixed, or where an `'auto'` warm-up stopped). */
  const warmedUp = () => state.warmedUp ?? warmupCap;
  /** The retrain on the kept samples: the epochs plain training has left after the warm-up (signature), or all of them. */
  const retrainEpochs = () =>
    options.none?.retrainEpochs ??
    (none.variant === 'signature' ? totalEpochs - warmedUp() : totalEpochs);
  if (options.defense === 'NONE' && warmupCap < 1) {
    throw new RangeError(
      `runExperiment: NONE needs at least one warm-up epoch: training.epochs (${totalEpochs}) must exceed none.rounds x none.epochsPerRound (${fineTuneEpochs}), or set none.warmupEpochs`,
    );
  }
  const checkpointDir = run.outDir ? join(run.outDir, 'checkpoint') : undefined;
  let state: RunState = { stage: 'undefended', epoch: 0, elapsedMs: 0 };
  let restored: Awaited<ReturnType<typeof readCheckpoint<RunState & { configHash: string }>>>;
  if (run.resume && checkpointDir) {
    restored = await readCheckpoint<RunState & { configHash: string }>(checkpointDir);
    if (restored && restored.state.configHash !== configHash) {
      throw new RangeError(
        `runExperiment: the checkpoint in ${checkpointDir} was made with another config (hash ${restored.state.configHash}, this config ${configHash}); use another --out folder`,
      );
    }
    if (restored) {
      state = restored.state;
      await run.onEvent?.({ type: 'resumed', stage: state.stage as Stage, epoch: state.epoch });
    }
  }
  const evaluate = async (
    built: BuiltModel,
    stage: Stage,
    trainMs: number,
    epochs: number,
  ): Promise<ModelResult> => {
    const ba = accuracy(
      argmaxRows(await predictLogits(built.model, test, batch), test.numClasses),
      test.labels,
    );
    const asr = asrSet
      ? accuracy(
          argmaxRows(await predictLogits(built.model, asrSet, batch), test.numClasses),
          asrSet.labels,
        )
      : null;
    const result = { ba, asr, trainMs, epochs };
    await run.onEvent?.({ type: 'evaluated', stage, result });
    return result;
  };
  const build = async (seedOffset: number): Promise<BuiltModel> => {
    if (!run.model) {
      return buildModel({
        ...options.model,
        inputShape: trainSet.shape.slice(1),
        numClasses: trainSet.numClasses,
        seed: options.seed + seedOffset,
      } as Parameters<typeof buildModel>[0]);
    }
    const seed = options.seed + seedOffset;
    const { model, owned } = await userModel(seed);
    try {
      return await prepareUserModel(model, owned ? {} : { seed });
    } finally {
      if (owned) model.dispose();
    }
  };
  const save = async (built: BuiltModel, optimizer?: OptimizerState) => {
    if (!checkpointDir) return;
    await writeCheckpoint(checkpointDir, {
      state: { ...state, configHash },
      weights: readModelWeights(built.model),
      ...(optimizer ? { optimizer } : {}),
    });
  };

  /** Plain training of `epochs` epochs in `stage`, resumable per epoch. */
  const trainStage = async (
    built: BuiltModel,
    stage: Stage,
    epochs: number,
    extra: {
      indices?: Int32Array;
      seed?: number;
      firstEpoch?: number;
      /** Sees each epoch's logs before the epoch's checkpoint is written. */
      onLogs?: (logs: EpochLogs) => void;
      stopAfter?: (logs: EpochLogs) => boolean;
    } = {},
  ): Promise<void> => {
    const variables = built.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = createOptimizer(variables, options.training.optimizer);
    if (restored && restored.state.stage === stage) {
      writeModelWeights(built.model, restored.weights);
      if (restored.optimizer) optimizer.setState(restored.optimizer);
      restored = undefined;
    }
    await run.onEvent?.({ type: 'stage', stage, epochs });
    try {
      let started = performance.now();
      await trainEpochs(built.model, trainSet, {
        epochs: epochs - state.epoch,
        startEpoch: (extra.firstEpoch ?? 0) + state.epoch,
        batchSize: options.training.batchSize,
        optimizer,
        schedule: options.training.schedule,
        seed: extra.seed ?? options.seed,
        augment: options.training.augment,
        indices: extra.indices,
        onBatchEnd: (b, batches) => run.onEvent?.({ type: 'batch', stage, batch: b, batches }),
        ...(extra.stopAfter ? { stopAfter: extra.stopAfter } : {}),
        onEpochEnd: async (logs) => {
          extra.onLogs?.(logs);
          state.epoch += 1;
          state.elapsedMs += performance.now() - started;
          await run.onEvent?.({ type: 'epoch', stage, logs, epochs });
          await save(built, optimizer.getState());
          started = performance.now();
        },
      });
    } finally {
      optimizer.dispose();
    }
  };

  /** Activation Clustering (Chen et al. 2018) on the last hidden layer of a trained model. */
  async function clusterActivations(built: BuiltModel): Promise<{ removed: number[]; ms: number }> {
    const started = performance.now();
    const last = built.metadata.neurons[built.metadata.neurons.length - 1]!;
    const probe = createActivationProbe(built.model, {
      neurons: built.metadata.neurons,
      layers: [last.layer],
      point: 'post',
    });
    const collected = await probe.collect(trainSet, { batchSize: batch });
    probe.dispose();
    const layer = collected.layers[0]!;
    const clustering = activationClustering(
      {
        values: layer.values,
        neurons: layer.neurons,
        labels: trainSet.labels,
        numClasses: trainSet.numClasses,
      },
      { ...options.baselines?.activationClustering, seed: options.seed },
    );
    return { removed: Array.from(clustering.flagged), ms: performance.now() - started };
  }

  /** Evaluates a baseline's model, saves it, ends the run's stages and reports the baseline. */
  async function finishBaseline(
    built: BuiltModel,
    trainMs: number,
    outcome: Omit<DefendedResult, keyof ModelResult | 'rounds' | 'overhead'>,
  ): Promise<DefendedResult> {
    const result = await evaluate(built, 'baseline', trainMs, totalEpochs);
    if (run.outDir) await saveModel(join(run.outDir, 'model'), built);
    await run.onTrained?.('defended', built.model);
    state = { ...state, stage: 'done', epoch: 0, elapsedMs: 0 };
    return {
      ...result,
      ...outcome,
      rounds: [],
      overhead: state.undefended ? trainMs / state.undefended.trainMs : Number.NaN,
    };
  }

  /** DP-SGD trains a fresh model; Activation Clustering retrains one on the kept samples. */
  async function runBaseline(defense: 'dp-sgd' | 'activation-clustering'): Promise<DefendedResult> {
    const built = await build(defense === 'dp-sgd' ? 0 : 1);
    try {
      let variant: string;
      if (defense === 'dp-sgd') {
        const setting = options.baselines?.dpSgd?.setting ?? 'light';
        variant = setting;
        if (restored && restored.state.stage === 'baseline') {
          writeModelWeights(built.model, restored.weights);
          restored = undefined;
        }
        await run.onEvent?.({ type: 'stage', stage: 'baseline', epochs: totalEpochs });
        let started = performance.now();
        await trainEpochsDpSgd(built.model, trainSet, {
          epochs: totalEpochs - state.epoch,
          startEpoch: state.epoch,
          batchSize: options.training.batchSize,
          learningRate:
            options.baselines?.dpSgd?.learningRate ??
            (options.training.optimizer.type === 'sgd'
              ? options.training.optimizer.learningRate
              : undefined) ??
            0.05,
          ...DP_SGD_SETTINGS[setting],
          ...(options.baselines?.dpSgd?.microBatchSize
            ? { microBatchSize: options.baselines.dpSgd.microBatchSize }
            : {}),
          seed: options.seed,
          onEpochEnd: async (logs) => {
            state.epoch += 1;
            state.elapsedMs += performance.now() - started;
            await run.onEvent?.({ type: 'epoch', stage: 'baseline', logs, epochs: totalEpochs });
            await save(built);
            started = performance.now();
          },
        });
      } else {
        variant = `size <= ${options.baselines?.activationClustering?.sizeThreshold ?? 0.35}`;
        const removed = new Set(state.clustering?.removed ?? []);
        const kept = keptIndices(trainSet.shape[0], removed);
        await trainStage(built, 'baseline', totalEpochs, { indices: kept, seed: options.seed + 1 });
      }
      // Activation Clustering's cost includes training the model it clusters.
      const clusteringMs = state.clustering
        ? state.clustering.ms + (state.undefended?.trainMs ?? 0)
        : 0;
      const trainMs = state.elapsedMs + clusteringMs;
      const removed = state.clustering?.removed ?? [];
      const quality = detectionQuality(removed, poisoned?.poisonedIndices);
      return await finishBaseline(built, trainMs, {
        defense,
        variant,
        removed: removed.length,
        precision: defense === 'dp-sgd' ? null : quality.precision,
        recall: defense === 'dp-sgd' ? null : quality.recall,
        retrained: defense === 'activation-clustering',
      });
    } finally {
      built.model.dispose();
    }
  }

  /**
   * ABL and DBD train a fresh model on the poisoned data; NAD fine-tunes the undefended one
   * on a clean 5% of the training set. Resumable per epoch through their own states.
   */
  async function runTrainingBaseline(defense: TrainingBaseline): Promise<DefendedResult> {
    const built = await build(0);
    const b = options.baselines ?? {};
    try {
      let extra: Float32Array[] | undefined;
      let optimizerState: OptimizerState | undefined;
      if (restored && restored.state.stage === 'baseline') {
        writeModelWeights(built.model, restored.weights);
        extra = restored.extra;
        optimizerState = restored.optimizer;
        restored = undefined;
      } else if (defense === 'nad') {
        if (!undefendedWeights) {
          throw new RangeError(
            'runExperiment: NAD starts from the undefended model, which this process no longer has; resume the run from its checkpoint folder (outDir)',
          );
        }
        writeModelWeights(built.model, undefendedWeights);
      }
      const isolationEpochs = b.abl?.isolationEpochs ?? ABL_DEFAULTS.isolationEpochs;
      const ablOptions = {
        ...b.abl,
        cleanEpochs: b.abl?.cleanEpochs ?? Math.max(0, totalEpochs - isolationEpochs),
      };
      /** Epochs of all the baseline's phases (the progress bar's length). */
      const epochs =
        defense === 'abl'
          ? isolationEpochs +
            ablOptions.cleanEpochs +
            (b.abl?.unlearningEpochs ?? ABL_DEFAULTS.unlearningEpochs)
          : defense === 'nad'
            ? (b.nad?.teacherEpochs ?? NAD_DEFAULTS.teacherEpochs) +
              (b.nad?.distillationEpochs ?? NAD_DEFAULTS.distillationEpochs)
            : (b.dbd?.selfSupervisedEpochs ?? DBD_DEFAULTS.selfSupervisedEpochs) +
              (b.dbd?.headEpochs ?? DBD_DEFAULTS.headEpochs) +
              (b.dbd?.fineTuneEpochs ?? DBD_DEFAULTS.fineTuneEpochs);
      await run.onEvent?.({ type: 'stage', stage: 'baseline', epochs });
      let started = performance.now();
      const persist = async (
        key: TrainingBaseline,
        value: AblState | NadState | DbdState,
        teacher?: Float32Array[],
      ) => {
        (state as unknown as Record<string, unknown>)[key] = {
          ...value,
          optimizer: undefined,
          ...(key === 'nad' ? { teacherWeights: undefined } : {}),
        };
        state.elapsedMs += performance.now() - started;
        started = performance.now();
        if (!checkpointDir) return;
        await writeCheckpoint(checkpointDir, {
          state: { ...state, configHash },
          weights: readModelWeights(built.model),
          ...(value.optimizer ? { optimizer: value.optimizer } : {}),
          ...(teacher ? { extra: teacher } : {}),
        });
      };
      const onEvent = (event: {
        type: string;
        logs?: EpochLogs;
        batch?: number;
        batches?: number;
      }) =>
        event.type === 'epoch'
          ? run.onEvent?.({ type: 'epoch', stage: 'baseline', logs: event.logs!, epochs })
          : event.type === 'batch'
            ? run.onEvent?.({
                type: 'batch',
                stage: 'baseline',
                batch: event.batch!,
                batches: event.batches!,
              })
            : undefined;
      const common = {
        optimizer: options.training.optimizer,
        batchSize: options.training.batchSize,
        seed: options.seed,
        onEvent,
      };
      let variant: string;
      let removed = 0;
      let precision: number | null = null;
      let recall: number | null = null;
      let details: Record<string, unknown>;
      let includesUndefended = false;
      if (defense === 'abl') {
        const final = await runAbl(built.model, trainSet, {
          ...common,
          abl: ablOptions,
          ...(options.training.schedule ? { schedule: options.training.schedule } : {}),
          augment: options.training.augment ?? false,
          ...(poisoned ? { poisonedIndices: poisoned.poisonedIndices } : {}),
          ...(state.abl
            ? { state: { ...state.abl, ...(optimizerState ? { optimizer: optimizerState } : {}) } }
            : {}),
          onCheckpoint: (s) => persist('abl', s),
        });
        await persist('abl', final);
        variant = `isolate ${final.isolation?.isolated ?? 0} (γ ${b.abl?.gamma ?? ABL_DEFAULTS.gamma})`;
        removed = final.isolated.length;
        precision = final.isolation?.precision ?? null;
        recall = final.isolation?.recall ?? null;
        details = { isolation: final.isolation, records: final.records };
      } else if (defense === 'nad') {
        includesUndefended = true;
        const { cleanFraction = 0.05, ...nadOptions } = b.nad ?? {};
        const final = await runNad(built.model, trainSet, {
          ...common,
          nad: nadOptions,
          cleanIndices: cleanSubset(
            trainSet.shape[0],
            poisoned?.poisonedIndices,
            cleanFraction,
            options.seed,
          ),
          neurons: built.metadata.neurons,
          augment: options.training.augment ?? false,
          ...(state.nad
            ? {
                state: {
                  ...state.nad,
                  ...(optimizerState ? { optimizer: optimizerState } : {}),
                  ...(extra?.length ? { teacherWeights: extra } : {}),
                },
              }
            : {}),
          onCheckpoint: (s) => persist('nad', s, s.teacherWeights),
        });
        await persist('nad', final);
        variant = `${Math.round(cleanFraction * 100)}% clean data, layers ${final.layers.join(', ')}`;
        details = { layers: final.layers, records: final.records };
      } else {
        const final = await runDbd(built.model, trainSet, {
          ...common,
          ...b.dbd,
          ...(poisoned ? { poisonedIndices: poisoned.poisonedIndices } : {}),
          ...(state.dbd
            ? { state: { ...state.dbd, ...(optimizerState ? { optimizer: optimizerState } : {}) } }
            : {}),
          onCheckpoint: (s) => persist('dbd', s),
        });
        await persist('dbd', final);
        const split = final.splits[final.splits.length - 1];
        variant = `labeled ${Math.round((b.dbd?.labeledFraction ?? DBD_DEFAULTS.labeledFraction) * 100)}%`;
        if (split) {
          // The samples DBD keeps unlabeled are the ones it distrusts.
          removed = split.unlabeled;
          const poisonedCount = poisoned?.poisonedIndices.length ?? 0;
          if (split.poisonedInLabeled !== null && split.unlabeled > 0) {
            precision = (poisonedCount - split.poisonedInLabeled) / split.unlabeled;
          }
          recall = split.poisonedRecall;
        }
        details = { splits: final.splits, history: final.history };
      }
      const trainMs = state.elapsedMs + (includesUndefended ? (state.undefended?.trainMs ?? 0) : 0);
      return await finishBaseline(built, trainMs, {
        defense,
        variant,
        removed,
        precision,
        recall,
        retrained: false,
        details,
      });
    } finally {
      built.model.dispose();
    }
  }

  // 1. Undefended.
  /** NAD starts from the undefended (backdoored) model. */
  let undefendedWeights: Float32Array[] | undefined;
  if (state.stage === 'undefended') {
    const built = await build(0);
    try {
      await trainStage(built, 'undefended', totalEpochs);
      state.undefended = await evaluate(built, 'undefended', state.elapsedMs, totalEpochs);
      if (run.outDir) await saveModel(join(run.outDir, 'undefended-model'), built);
      await run.onTrained?.('undefended', built.model);
      if (options.defense === 'activation-clustering')
        state.clustering = await clusterActivations(built);
      if (options.defense === 'nad') undefendedWeights = readModelWeights(built.model);
    } finally {
      built.model.dispose();
    }
    state = {
      ...state,
      stage:
        options.defense === 'NONE' ? 'warmup' : options.defense === 'none' ? 'done' : 'baseline',
      epoch: 0,
      elapsedMs: 0,
    };
    if (undefendedWeights && checkpointDir) {
      await writeCheckpoint(checkpointDir, {
        state: { ...state, configHash },
        weights: undefendedWeights,
      });
    }
  }

  // 2. NONE: warm-up training, then the rounds.
  let defended: DefendedResult | null = null;
  let removedIndices: number[] = state.none?.removed ?? [];
  if (options.defense === 'NONE' && state.stage !== 'done') {
    const built = await build(0);
    try {
      if (state.stage === 'warmup') {
        const reached = (accuracy: number | undefined) =>
          warmupSetting === 'auto' && accuracy !== undefined && accuracy >= warmupAccuracy;
        if (!reached(state.warmupAccuracy)) {
          await trainStage(built, 'warmup', warmupCap, {
            onLogs: (logs) => {
              state.warmupAccuracy = logs.accuracy;
            },
            stopAfter: (logs) => reached(logs.accuracy),
          });
        } else if (restored?.state.stage === 'warmup') {
          writeModelWeights(built.model, restored.weights);
          restored = undefined;
        }
        state = { ...state, stage: 'none', epoch: 0, warmedUp: state.epoch };
        await save(built);
      }
      if (state.stage === 'none') {
        if (restored && restored.state.stage === 'none') {
          writeModelWeights(built.model, restored.weights);
          if (state.none && restored.optimizer) state.none.optimizer = restored.optimizer;
          restored = undefined;
        }
        await run.onEvent?.({ type: 'stage', stage: 'none', epochs: fineTuneEpochs });
        let started = performance.now();
        const final = await runNone(built.model, trainSet, {
          none,
          neurons: built.metadata.neurons,
          optimizer: options.training.optimizer,
          batchSize: options.training.batchSize,
          augment: options.training.augment,
          seed: options.seed,
          firstEpoch: warmedUp(),
          poisonedIndices: poisoned?.poisonedIndices,
          ...(state.none ? { state: state.none } : {}),
          onEvent: (event) => run.onEvent?.({ type: 'none', event }),
          onCheckpoint: async (noneState) => {
            state.none = structuredClone({ ...noneState, optimizer: undefined });
            state.elapsedMs += performance.now() - started;
            started = performance.now();
            if (checkpointDir) {
              await writeCheckpoint(checkpointDir, {
                state: { ...state, configHash },
                weights: readModelWeights(built.model),
                ...(noneState.optimizer ? { optimizer: noneState.optimizer } : {}),
              });
            }
          },
        });
        state.none = { ...final, optimizer: undefined };
        state.elapsedMs += performance.now() - started;
        removedIndices = final.removed;
        state = {
          ...state,
          stage: retrain ? 'retrain' : 'done',
          epoch: 0,
          defendedMs: state.elapsedMs,
          elapsedMs: 0,
        };
      }
      let finalModel = built;
      if (state.stage === 'retrain') {
        const removed = new Set(state.none?.removed ?? []);
        if (removed.size > 0) {
          // A fresh model (another initialisation seed) trained on the kept samples only; its
          // initial weights are checkpointed so that a kill before its first epoch resumes here.
          const kept = keptIndices(trainSet.shape[0], removed);
          finalModel = await build(1);
          if (state.epoch === 0 && !restored) await save(finalModel);
          await trainStage(finalModel, 'retrain', retrainEpochs(), {
            indices: kept,
            seed: options.seed + 1,
          });
        } else {
          // Nothing was removed, so there is nothing to unlearn: the NONE model trains on to
          // the full budget instead of starting over (clean data costs no second training).
          const trainedRounds = (state.none?.records ?? []).filter(
            (r) => r.removed > 0 || Object.values(r.neuronsReset).some((c) => c > 0),
          ).length;
          const trained = warmedUp() + trainedRounds * none.epochsPerRound;
          await trainStage(built, 'retrain', Math.max(0, totalEpochs - trained), {
            firstEpoch: trained,
          });
        }
        state.defendedMs = (state.defendedMs ?? 0) + state.elapsedMs;
        state = { ...state, stage: 'done', epoch: 0, elapsedMs: 0 };
      }
      removedIndices = state.none?.removed ?? [];
      const trainMs = state.defendedMs ?? 0;
      const result = await evaluate(finalModel, 'none', trainMs, totalEpochs);
      if (run.outDir) await saveModel(join(run.outDir, 'model'), finalModel);
      await run.onTrained?.('defended', finalModel.model);
      if (finalModel !== built) finalModel.model.dispose();
      const quality = detectionQuality(removedIndices, poisoned?.poisonedIndices);
      defended = {
        ...result,
        defense: 'NONE',
        variant: none.variant,
        rounds: state.none?.records ?? [],
        removed: removedIndices.length,
        precision: quality.precision,
        recall: quality.recall,
        retrained: retrain && removedIndices.length > 0,
        overhead: state.undefended ? trainMs / state.undefended.trainMs : Number.NaN,
      };
    } finally {
      built.model.dispose();
    }
  }
  // 3. Baselines.
  if (
    (options.defense === 'dp-sgd' || options.defense === 'activation-clustering') &&
    state.stage === 'baseline'
  ) {
    defended = await runBaseline(options.defense);
    removedIndices = state.clustering?.removed ?? [];
  }
  if (TRAINING_BASELINES.includes(options.defense) && state.stage === 'baseline') {
    defended = await runTrainingBaseline(options.defense as TrainingBaseline);
    removedIndices = state.abl?.isolated ?? [];
  }
  const report: ExperimentReport = {
    format: 1,
    seed: options.seed,
    backend: tf.getBackend(),
    config: options,
    configHash,
    dataset: {
      train: trainSet.shape[0],
      test: test.shape[0],
      shape: trainSet.shape.slice(1),
      numClasses: trainSet.numClasses,
    },
    attack:
      poisoned && asrSet ? { manifest: poisoned.manifest, asrTestSamples: asrSet.shape[0] } : null,
    undefended: state.undefended!,
    defended,
    removedIndices,
  };
  if (run.outDir) await writeArtifacts(run.outDir, report, poisoned?.manifest);
  return report;
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

async function writeArtifacts(
  outDir: string,
  report: ExperimentReport,
  manifest: PoisonManifest | undefined,
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeJsonAtomic(join(outDir, 'report.json'), report);
  await writeFile(`${join(outDir, 'report.md')}.tmp`, formatReportMarkdown(report));
  await rename(`${join(outDir, 'report.md')}.tmp`, join(outDir, 'report.md'));
  await writeJsonAtomic(join(outDir, 'removed.json'), report.removedIndices);
  if (manifest) await writeJsonAtomic(join(outDir, 'poison-manifest.json'), manifest);
}

/**
 * NAD's defender data: `fraction` of the training set, drawn (seeded) from the samples that
 * are not poisoned — the clean data NAD's threat model grants the defender.
 */
export function cleanSubset(
  n: number,
  poisonedIndices: ArrayLike<number> | undefined,
  fraction: number,
  seed: number,
): Int32Array {
  const poisonedSet = new Set(Array.from(poisonedIndices ?? []));
  const clean = keptIndices(n, poisonedSet);
  const random = createRandom(seed ^ 0x6e6164);
  for (let i = clean.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [clean[i], clean[j]] = [clean[j]!, clean[i]!];
  }
  const count = Math.max(1, Math.round(fraction * n));
  return clean.slice(0, count).sort();
}
