import type { ImageDataset } from '@none/data';
import type { BuiltModel } from '@none/models';
import type { LearningRateSchedule } from './learning-rate';
import type { NoneEvent, NoneRoundRecord } from './none/run-none';
import type { OptimizerState } from './optimizer';
import type { EpochLogs } from './train-epochs';
import type { TrainingOptions } from './training-options';

/** BA/ASR and time of one trained model. */
export interface ModelResult {
  /** Clean test accuracy. */
  ba: number;
  /** Attack success rate on the triggered test set (null without an attack). */
  asr: number | null;
  /** Wall time of training (and, for a defense, its probing, detection and fine-tuning), ms. */
  trainMs: number;
  epochs: number;
}

/** What a defense did, as the experiment report shows it. */
export interface DefenseOutcome {
  /** NONE's variant, or the baseline's setting, in words. */
  variant: string;
  /** Indices (into the training set) of the samples the defense removed or distrusts. */
  removed: number[];
  /**
   * Precision and recall of that removal against the known poisoned samples; leave them
   * out to have the runner score `removed`, `null` where they do not apply (DP-SGD).
   */
  precision?: number | null;
  recall?: number | null;
  /** The defended model was trained afresh on the kept samples. */
  retrained: boolean;
  /** Wall time of the whole defense, ms (what the overhead compares with plain training). */
  trainMs: number;
  /** NONE's detection rounds (empty for the baselines). */
  rounds?: NoneRoundRecord[];
  /** What a baseline did (ABL's isolation, DBD's splits, NAD's epochs), for report.json. */
  details?: Record<string, unknown>;
  /** How many samples the report counts as removed, when it is not `removed.length` (DBD). */
  removedCount?: number;
}

/** Progress of a defense, in the stages the CLI and the bench show. */
export type DefenseEvent =
  | { type: 'stage'; stage: string; epochs: number }
  | { type: 'epoch'; stage: string; logs: EpochLogs; epochs: number }
  | { type: 'batch'; stage: string; batch: number; batches: number }
  | { type: 'none'; event: NoneEvent };

/** Binary parts of a checkpoint besides the model weights. */
export interface CheckpointBinary {
  optimizer?: OptimizerState;
  /** Further weight arrays (NAD's teacher). */
  extra?: Float32Array[];
}

/** A checkpoint written by this defense, read back on resume. */
export interface RestoredCheckpoint extends CheckpointBinary {
  weights: Float32Array[];
}

/** Options of {@link DefenseContext.trainPhase}. */
export interface TrainPhaseOptions {
  /** Train on these samples only (the kept ones). */
  indices?: Int32Array;
  /** Seed of the batch order. @default the run's seed */
  seed?: number;
  /** Epoch number of the first epoch (schedules and batch orders continue from it). @default 0 */
  firstEpoch?: number;
  /** Sees each epoch's logs before the epoch's checkpoint is written. */
  onLogs?: (logs: EpochLogs) => void;
  /** Stop early once an epoch's logs satisfy this. */
  stopAfter?: (logs: EpochLogs) => boolean;
  /** The learning-rate schedule of this phase. @default training.schedule */
  schedule?: LearningRateSchedule;
  /**
   * The optimizer's state to start from (moments of an earlier phase the model trains on
   * from); a resumed phase's checkpoint takes precedence. @default a fresh optimizer
   */
  optimizer?: OptimizerState;
}

/**
 * What the experiment runner gives a defense: the data, how to build and train models,
 * and a resumable state. Everything the defense stores in `state` is written with every
 * checkpoint; a resumed run gets it back, and `restore(phase)` the weights written last.
 */
export interface DefenseContext<State> {
  /** The training set the defense sees (poisoned when there is an attack). */
  readonly train: ImageDataset;
  /** The poisoned samples, when known: only for scoring and for threat models that grant clean data (NAD). */
  readonly poisonedIndices: Int32Array | undefined;
  readonly seed: number;
  readonly training: TrainingOptions;
  /** Samples per probe/evaluation batch. */
  readonly evaluationBatchSize: number;
  /** The undefended model's result. */
  readonly undefended: ModelResult;
  /** The defense's resumable state (JSON); `undefined` until the defense sets it. */
  state: State | undefined;
  /** A fresh model; seed offset 0 draws the undefended model's initial weights. */
  build(seedOffset: number): Promise<BuiltModel>;
  /**
   * The last checkpoint's weights (and optimizer, extra arrays) when it was written in
   * `phase` (any phase when omitted); given once, then `undefined`.
   */
  restore(phase?: string): RestoredCheckpoint | undefined;
  /** True when a checkpoint written in `phase` waits to be restored. */
  restorable(phase: string): boolean;
  /** Enters `phase` (resets its epoch count) unless the run is already in it. */
  enter(phase: string): void;
  /** The phase the run is in (`'start'` before the defense entered one). */
  readonly phase: string;
  /** Epochs trained so far in that phase (over resumed runs too). */
  readonly epoch: number;
  /** Writes a checkpoint of `model`, the state and `binary` (atomic; nothing without an out folder). */
  checkpoint(model: BuiltModel, binary?: CheckpointBinary): Promise<void>;
  /**
   * Plain training of `epochs` epochs in `phase` (entered if needed), resumable per epoch: a
   * resumed run restores the phase's last checkpoint and trains the epochs left. Resolves
   * to the optimizer's state at the end.
   */
  trainPhase(
    model: BuiltModel,
    phase: string,
    epochs: number,
    options?: TrainPhaseOptions,
  ): Promise<OptimizerState>;
  /**
   * Counts an epoch of the defense's own training loop in `phase` (of `epochs`): emits its
   * progress and writes a checkpoint, as `trainPhase` does after each of its epochs.
   */
  epochDone(
    model: BuiltModel,
    phase: string,
    logs: EpochLogs,
    epochs: number,
    binary?: CheckpointBinary,
  ): Promise<void>;
  emit(event: DefenseEvent): Promise<void>;
  /** Wall time spent in the defense so far, over resumed runs too, ms. */
  elapsedMs(): number;
}

/**
 * A backdoor defense, as the experiment runner drives it: after the undefended model is
 * trained (and evaluated), `afterUndefended` may look at it; `run` then produces the
 * defended model. The runner evaluates, saves and disposes that model and writes the
 * report. A new defense is one module implementing this and one line in the runner's
 * registry (`@none/experiment`).
 *
 * @example
 * ```ts
 * const plainRetrain: Defense<{ note: string }> = {
 *   name: 'retrain',
 *   async run(context) {
 *     const model = await context.build(1);
 *     await context.trainPhase(model, 'retrain', context.training.epochs);
 *     return { model, outcome: { variant: 'plain', removed: [], retrained: true, trainMs: context.elapsedMs() } };
 *   },
 * };
 * ```
 */
export interface Defense<State = unknown> {
  /** The name reports and progress show (`NONE`, `dp-sgd`, ...). */
  readonly name: string;
  /** Checks the options against the training budget before any work starts (throws a clear error). */
  validate?(training: TrainingOptions): void;
  /** Sees the trained undefended model before it is disposed (e.g. clusters it, or checkpoints its weights). */
  afterUndefended?(model: BuiltModel, context: DefenseContext<State>): Promise<void>;
  /** Trains the defended model. */
  run(context: DefenseContext<State>): Promise<{ model: BuiltModel; outcome: DefenseOutcome }>;
}
