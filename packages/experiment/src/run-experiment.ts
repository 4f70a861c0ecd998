import { join } from 'node:path';
import { attackTestSet, type PoisonResult, poisonDataset } from '@none/attacks';
import { type DatasetOptions, type DatasetSplit, type ImageDataset, loadDataset } from '@none/data';
import { type BuiltModel, buildModel, prepareUserModel, saveModel } from '@none/models';
import {
  type Defense,
  type DefenseContext,
  detectionQuality,
  evaluateBackdoor,
  type ModelResult,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RunProgress } from './_run-progress';
import { DEFENSES } from './defenses';
import { ExperimentError } from './errors';
import type { ExperimentOptions } from './experiment-options';
import {
  type DefendedResult,
  type ExperimentEvent,
  type ExperimentReport,
  type Stage,
  writeArtifacts,
} from './experiment-report';
import { hashConfig } from './hash-config';

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

/** Checks a caller's poisoned training set against the clean one and the config. */
function checkPoisoned(
  poisoned: PoisonResult,
  train: ImageDataset,
  options: ExperimentOptions,
): PoisonResult {
  if (!options.attack) {
    throw new ExperimentError(
      'E_INVALID_ARGUMENT',
      'runExperiment: a poisoned training set was given but options.attack is null; set the attack whose trigger makes the ASR test set',
    );
  }
  const got = poisoned.dataset;
  if (!tf.util.arraysEqual(got.shape, train.shape) || got.numClasses !== train.numClasses) {
    throw new ExperimentError(
      'E_SHAPE_MISMATCH',
      `runExperiment: the poisoned training set is [${got.shape.join(', ')}] with ${got.numClasses} classes, the training set [${train.shape.join(', ')}] with ${train.numClasses}`,
    );
  }
  return poisoned;
}

/**
 * Where the models of a run come from: a built-in architecture, or the caller's model
 * (redrawn from each stage's seed). Returns the model maker and, for a caller's model, a hash
 * of its topology (part of the config hash).
 */
async function modelSource(
  options: ExperimentOptions,
  run: RunExperimentOptions,
  shape: () => { inputShape: number[]; numClasses: number },
): Promise<{ build: (seedOffset: number) => Promise<BuiltModel>; topology?: string }> {
  const given = run.model;
  if (!given) {
    if (options.model.architecture === 'custom') {
      throw new ExperimentError(
        'E_INVALID_ARGUMENT',
        "runExperiment: options.model is { architecture: 'custom' } but no model was given (run.model)",
      );
    }
    return {
      build: async (seedOffset) =>
        buildModel({
          ...options.model,
          ...shape(),
          seed: options.seed + seedOffset,
        } as Parameters<typeof buildModel>[0]),
    };
  }
  const userModel = async (seed: number) =>
    typeof given === 'function'
      ? { model: await given(seed), owned: true }
      : { model: given, owned: false };
  const probe = await userModel(options.seed);
  const topology = hashConfig(probe.model.toJSON(null, false));
  if (probe.owned) probe.model.dispose();
  return {
    topology,
    build: async (seedOffset) => {
      const seed = options.seed + seedOffset;
      const { model, owned } = await userModel(seed);
      try {
        return await prepareUserModel(model, owned ? {} : { seed });
      } finally {
        if (owned) model.dispose();
      }
    },
  };
}

/**
 * dataset -> attack -> model -> defense -> metrics: trains an undefended model and, with a
 * `defense` other than `none`, runs that defense (one of {@link DEFENSES}) from the same
 * seed, and reports BA, ASR, times and what the defense removed. With `outDir`, a checkpoint
 * is written after every epoch and whenever the defense asks (atomically), and
 * `resume: true` continues a killed run to the same result.
 */
export async function runExperiment(
  options: ExperimentOptions,
  run: RunExperimentOptions = {},
): Promise<ExperimentReport> {
  // Each defense owns the shape of its resumable state; the runner only stores it.
  const defense =
    options.defense === 'none'
      ? undefined
      : (DEFENSES[options.defense](options) as unknown as Defense<unknown>);
  defense?.validate?.(options.training);
  if (!run.data && options.dataset.type === 'custom') {
    throw new ExperimentError(
      'E_INVALID_ARGUMENT',
      "runExperiment: options.dataset is { type: 'custom' } but no data was given (run.data)",
    );
  }
  let trainSet: ImageDataset | undefined;
  const models = await modelSource(options, run, () => ({
    inputShape: trainSet!.shape.slice(1),
    numClasses: trainSet!.numClasses,
  }));
  const configHash = hashConfig(
    models.topology ? { ...options, userTopology: models.topology } : options,
  );
  const { train, test } = run.data ?? (await loadDataset(options.dataset as DatasetOptions));
  const poisoned = run.poisoned
    ? checkPoisoned(run.poisoned, train, options)
    : options.attack
      ? poisonDataset(train, options.attack.config, {
          rate: options.attack.rate,
          seed: options.seed,
        })
      : undefined;
  trainSet = poisoned?.dataset ?? train;
  const asrSet = options.attack ? attackTestSet(test, options.attack.config).dataset : undefined;
  const batchSize = options.evaluationBatchSize ?? 512;
  const totalEpochs = options.training.epochs;
  const progress = new RunProgress({
    checkpointDir: run.outDir ? join(run.outDir, 'checkpoint') : undefined,
    configHash,
    training: options.training,
    train: trainSet,
    seed: options.seed,
    onEvent: run.onEvent,
  });
  if (run.resume) await progress.resume();

  const evaluate = async (
    built: BuiltModel,
    stage: Stage,
    trainMs: number,
  ): Promise<ModelResult> => {
    const { ba, asr } = await evaluateBackdoor(built.model, test, asrSet, { batchSize });
    const result = { ba, asr, trainMs, epochs: totalEpochs };
    await progress.emit({ type: 'evaluated', stage, result });
    return result;
  };
  const context: DefenseContext<unknown> = {
    train: trainSet,
    poisonedIndices: poisoned?.poisonedIndices,
    seed: options.seed,
    training: options.training,
    evaluationBatchSize: batchSize,
    get undefended() {
      return progress.state.undefended!;
    },
    get state() {
      return progress.state.defense;
    },
    set state(value) {
      progress.state.defense = value;
    },
    get phase() {
      return progress.state.phase;
    },
    get epoch() {
      return progress.state.epoch;
    },
    build: models.build,
    restore: (phase) => progress.restore(phase),
    restorable: (phase) => progress.restorable(phase),
    enter: (phase) => progress.enter(phase),
    checkpoint: (model, binary) => progress.checkpoint(model, binary),
    trainPhase: (model, phase, epochs, extra) => progress.trainPhase(model, phase, epochs, extra),
    epochDone: (model, phase, logs, epochs, binary) =>
      progress.epochDone(model, phase, logs, epochs, binary),
    emit: (event) => progress.emit(event),
    elapsedMs: () => progress.elapsedMs(),
  };

  // 1. The undefended model.
  if (progress.state.stage === 'undefended') {
    const built = await models.build(0);
    try {
      await progress.trainPhase(built, 'undefended', totalEpochs);
      progress.state.undefended = await evaluate(built, 'undefended', progress.elapsedMs());
      if (run.outDir) await saveModel(join(run.outDir, 'undefended-model'), built);
      await run.onTrained?.('undefended', built.model);
      progress.startStage(defense ? 'defense' : 'done');
      await defense?.afterUndefended?.(built, context);
    } finally {
      built.model.dispose();
    }
  }

  // 2. The defense.
  let defended: DefendedResult | null = null;
  let removedIndices: number[] = [];
  if (defense && options.defense !== 'none' && progress.state.stage === 'defense') {
    const { model, outcome } = await defense.run(context);
    try {
      const result = await evaluate(model, 'defended', outcome.trainMs);
      if (run.outDir) await saveModel(join(run.outDir, 'model'), model);
      await run.onTrained?.('defended', model.model);
      const quality = detectionQuality(outcome.removed, poisoned?.poisonedIndices);
      removedIndices = outcome.removed;
      defended = {
        ...result,
        defense: options.defense,
        variant: outcome.variant,
        rounds: outcome.rounds ?? [],
        removed: outcome.removedCount ?? outcome.removed.length,
        precision: outcome.precision !== undefined ? outcome.precision : quality.precision,
        recall: outcome.recall !== undefined ? outcome.recall : quality.recall,
        retrained: outcome.retrained,
        overhead: outcome.trainMs / progress.state.undefended!.trainMs,
        ...(outcome.details ? { details: outcome.details } : {}),
      };
    } finally {
      model.model.dispose();
    }
    progress.startStage('done');
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
    undefended: progress.state.undefended!,
    defended,
    removedIndices,
  };
  if (run.outDir) await writeArtifacts(run.outDir, report, poisoned?.manifest);
  return report;
}
