import type { ExperimentConfigInput } from '@none/config';

/**
 * How big a suite runs. `smoke`: a few seconds per run, asserts the pipeline (CI);
 * `cpu`: what a 2-core machine reproduces in under an hour per suite (embedded MNIST,
 * small models, few epochs); `full`: the paper's scale, for a GPU and the real datasets.
 */
export type Scale = 'smoke' | 'cpu' | 'full';

export const SCALES: readonly Scale[] = ['smoke', 'cpu', 'full'];

/** A number the paper reports for a cell, with where it comes from. */
export interface PaperCell {
  /** e.g. "Table 1, MNIST / NiN" */
  source: string;
  ba?: number;
  asr?: number;
  /** Undefended BA/ASR of the same row, when the table has them. */
  undefendedBa?: number;
  undefendedAsr?: number;
  precision?: number;
  recall?: number;
  /** Overhead over plain training (Table 15), a ratio. */
  overhead?: number;
  /** REASR averaged over budgets (Table 2). */
  reasr?: number;
}

/** One experiment of a suite. */
export interface RunSpec {
  /** Unique within the suite; also the folder name of its checkpoints (`/` allowed). */
  id: string;
  /** The values this run varies, in column order (they label the report's rows). */
  labels: Record<string, string | number>;
  /**
   * What runs: an experiment (`runExperiment`), an experiment plus a natural-trojan scan, the
   * adaptive attack of §8.10 (attacker-controlled training, then NONE), federated learning
   * with DBA clients (§5.4), or an experiment on a label-consistent poisoned set (Turner et
   * al.: PGD on a clean surrogate, then the config's clean-label trigger).
   */
  kind: 'experiment' | 'natural' | 'adaptive' | 'federated' | 'label-consistent';
  /** Settings of the `adaptive`, `federated` and `label-consistent` kinds (part of the run's hash). */
  params?: Record<string, unknown>;
  /** The experiment config (defaults filled by `@none/config`). */
  config: ExperimentConfigInput;
  /** Random stratified subset of the embedded data (smoke and cpu scales). */
  subset?: { train: number; test: number };
  /** `natural` runs: the scan's budgets and steps. */
  scan?: { budgets: number[]; steps: number; images: number };
  /** The paper's numbers for this cell, if it has any. */
  paper?: PaperCell;
}

/** A zod-validated grid of experiments that regenerates one of the paper's tables. */
export interface SuiteDefinition {
  name: string;
  title: string;
  /** The paper's table(s)/figure(s) this suite regenerates; absent for this project's own ablations. */
  reproduces?: string;
  description: string;
  /** The grid at a scale, over `seeds` when given (else the scale's preset seeds). */
  runs(scale: Scale, seeds?: readonly number[]): RunSpec[];
  /** Says what each scale means for this suite (written in the report). */
  scaleNote(scale: Scale): string;
}

/** BA/ASR/time of one model of a run. */
export interface ModelMetrics {
  ba: number;
  asr: number | null;
  trainMs: number;
}

/** One line of `results.jsonl`. */
export interface RunResult {
  format: 1;
  suite: string;
  scale: Scale;
  id: string;
  labels: Record<string, string | number>;
  configHash: string;
  seed: number;
  gitRevision: string | null;
  backend: string;
  versions: Record<string, string>;
  host: { cpus: number; platform: string };
  startedAt: string;
  wallMs: number;
  undefended: ModelMetrics;
  defended:
    | (ModelMetrics & {
        defense: string;
        variant: string;
        removed: number;
        precision: number | null;
        recall: number | null;
        overhead: number;
      })
    | null;
  /** `natural` runs: mean REASR over the budgets, undefended and defended. */
  natural?: { budgets: number[]; undefended: number[]; defended: number[] | null };
  paper?: PaperCell;
}
