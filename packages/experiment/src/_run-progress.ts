import type { ImageDataset } from '@none/data';
import type { BuiltModel } from '@none/models';
import {
  type CheckpointBinary,
  type CheckpointContents,
  createOptimizer,
  type EpochLogs,
  type ModelResult,
  type OptimizerState,
  type RestoredCheckpoint,
  readCheckpoint,
  readModelWeights,
  type TrainingOptions,
  type TrainPhaseOptions,
  trainEpochs,
  writeCheckpoint,
  writeModelWeights,
} from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import { ExperimentError } from './errors';
import type { ExperimentEvent } from './experiment-report';

/** Where a run is: written with every checkpoint, read back on resume. */
export interface RunState {
  stage: 'undefended' | 'defense' | 'done';
  /** The phase within the stage (`'start'` before the defense entered one). */
  phase: string;
  /** Epochs completed in the phase. */
  epoch: number;
  /** Wall time spent in the stage (over resumed runs too), ms. */
  elapsedMs: number;
  undefended?: ModelResult;
  /** The defense's own resumable state (JSON). */
  defense?: unknown;
}

type Stored = RunState & { configHash: string };

/**
 * The checkpoint/resume state machine of one experiment: it counts epochs per phase and wall
 * time per stage, writes a checkpoint (atomically) after every epoch and whenever a defense
 * asks, and on resume hands each phase back the weights it wrote last.
 */
export class RunProgress {
  state: RunState = { stage: 'undefended', phase: 'start', epoch: 0, elapsedMs: 0 };
  private restored: CheckpointContents<Stored> | undefined;
  private mark = performance.now();

  constructor(
    private readonly settings: {
      checkpointDir: string | undefined;
      configHash: string;
      training: TrainingOptions;
      train: ImageDataset;
      seed: number;
      onEvent: ((event: ExperimentEvent) => void | Promise<void>) | undefined;
    },
  ) {}

  /** Reads the checkpoint to resume from; refuses one made with another config. */
  async resume(): Promise<void> {
    const { checkpointDir, configHash } = this.settings;
    if (!checkpointDir) return;
    const restored = await readCheckpoint<Stored>(checkpointDir);
    if (!restored) return;
    if (restored.state.configHash !== configHash) {
      throw new ExperimentError(
        'E_CHECKPOINT',
        `runExperiment: the checkpoint in ${checkpointDir} was made with another config (hash ${restored.state.configHash}, this config ${configHash}); use another --out folder`,
      );
    }
    const { configHash: _hash, ...state } = restored.state;
    this.state = state;
    this.restored = restored;
    this.mark = performance.now();
    await this.emit({ type: 'resumed', stage: state.stage, epoch: state.epoch });
  }

  emit(event: ExperimentEvent): Promise<void> {
    return Promise.resolve(this.settings.onEvent?.(event));
  }

  /** Starts `stage` with no time and no epochs spent in it. */
  startStage(stage: RunState['stage']): void {
    this.state = { ...this.state, stage, phase: 'start', epoch: 0, elapsedMs: 0 };
    this.mark = performance.now();
  }

  elapsedMs(): number {
    return this.state.elapsedMs + (performance.now() - this.mark);
  }

  private foldTime(): void {
    const now = performance.now();
    this.state.elapsedMs += now - this.mark;
    this.mark = now;
  }

  enter(phase: string): void {
    if (this.state.phase === phase) return;
    this.state.phase = phase;
    this.state.epoch = 0;
  }

  restorable(phase?: string): boolean {
    const restored = this.restored?.state;
    return (
      restored !== undefined &&
      restored.stage === this.state.stage &&
      (phase === undefined || restored.phase === phase)
    );
  }

  restore(phase?: string): RestoredCheckpoint | undefined {
    if (!this.restorable(phase)) return undefined;
    const { weights, optimizer, extra } = this.restored!;
    this.restored = undefined;
    return { weights, ...(optimizer ? { optimizer } : {}), ...(extra ? { extra } : {}) };
  }

  /** Writes a checkpoint; the time it takes is not counted. */
  async checkpoint(model: BuiltModel, binary: CheckpointBinary = {}): Promise<void> {
    this.foldTime();
    const { checkpointDir, configHash } = this.settings;
    if (checkpointDir) {
      await writeCheckpoint(checkpointDir, {
        state: { ...this.state, configHash },
        weights: readModelWeights(model.model),
        ...(binary.optimizer ? { optimizer: binary.optimizer } : {}),
        ...(binary.extra ? { extra: binary.extra } : {}),
      });
    }
    this.mark = performance.now();
  }

  async epochDone(
    model: BuiltModel,
    phase: string,
    logs: EpochLogs,
    epochs: number,
    binary?: CheckpointBinary,
  ): Promise<void> {
    this.state.epoch += 1;
    this.foldTime();
    await this.emit({ type: 'epoch', stage: phase, logs, epochs });
    await this.checkpoint(model, binary);
  }

  /** Plain training of `epochs` epochs in `phase`, resumable per epoch. */
  async trainPhase(
    model: BuiltModel,
    phase: string,
    epochs: number,
    options: TrainPhaseOptions = {},
  ): Promise<OptimizerState> {
    this.enter(phase);
    const { training, train, seed } = this.settings;
    const variables = model.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = createOptimizer(variables, training.optimizer);
    const restored = this.restore(phase);
    if (restored) writeModelWeights(model.model, restored.weights);
    const startState = restored?.optimizer ?? options.optimizer;
    if (startState) optimizer.setState(startState);
    await this.emit({ type: 'stage', stage: phase, epochs });
    try {
      this.mark = performance.now();
      await trainEpochs(model.model, train, {
        epochs: epochs - this.state.epoch,
        startEpoch: (options.firstEpoch ?? 0) + this.state.epoch,
        batchSize: training.batchSize,
        optimizer,
        schedule: options.schedule ?? training.schedule,
        seed: options.seed ?? seed,
        augment: training.augment,
        indices: options.indices,
        onBatchEnd: (batch, batches) => this.emit({ type: 'batch', stage: phase, batch, batches }),
        ...(options.stopAfter ? { stopAfter: options.stopAfter } : {}),
        onEpochEnd: async (logs) => {
          options.onLogs?.(logs);
          await this.epochDone(model, phase, logs, epochs, { optimizer: optimizer.getState() });
        },
      });
      return optimizer.getState();
    } finally {
      optimizer.dispose();
    }
  }
}
