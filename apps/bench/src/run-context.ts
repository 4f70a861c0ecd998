// What every run kind shares: its options, its hash, its data and the envelope of its result
// line. The kinds (`kinds/*.ts`) build on it; `execute-run.ts` dispatches to them.
import { execFileSync } from 'node:child_process';
import { cpus, platform } from 'node:os';
import { parseExperimentConfig } from '@none/config';
import {
  type DatasetOptions,
  type DatasetSplit,
  type ImageDataset,
  loadDataset,
  shuffleDataset,
  subsetDataset,
} from '@none/data';
import { type ExperimentEvent, hashConfig } from '@none/experiment';
import * as tf from '@tensorflow/tfjs-core';
import type { RunResult, RunSpec, Scale } from './types';

/** The seed of the stratified subsets (the same digits for every run of every suite). */
const SUBSET_SEED = 20221;

export interface ExecuteRunOptions {
  suite: string;
  scale: Scale;
  /** The suite's folder; the run's checkpoints go to `<outDir>/runs/<id>/<hash>`. */
  outDir: string;
  onEvent?: (event: ExperimentEvent) => void | Promise<void>;
}

/**
 * Runs one spec of a kind in this process (the backend must be initialised) and returns its
 * result line. Checkpoints go to `<outDir>/runs/<id>/<hash>`, so a killed run resumes.
 */
export type RunKind = (spec: RunSpec, options: ExecuteRunOptions) => Promise<RunResult>;

/** The hash that identifies a run's result: its spec (config, subset, scan), nothing else. */
export function runHash(spec: RunSpec): string {
  return hashConfig({
    ...(spec.params ? { params: spec.params } : {}),
    kind: spec.kind,
    config: parseExperimentConfig(spec.config),
    subset: spec.subset ?? null,
    scan: spec.scan ?? null,
  });
}

/** The first `n` samples of a seeded shuffle of `dataset` (all of it when it is smaller). */
export function firstN(dataset: ImageDataset, n: number): ImageDataset {
  const count = Math.min(n, dataset.shape[0]);
  return subsetDataset(
    shuffleDataset(dataset, { seed: SUBSET_SEED }),
    Int32Array.from({ length: count }, (_, i) => i),
  );
}

let revision: string | null | undefined;
function gitRevision(): string | null {
  if (revision === undefined) {
    try {
      revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .trim();
    } catch {
      revision = null;
    }
  }
  return revision;
}

/** The data of a run: its dataset, or a seeded stratified subset of it. */
export async function loadRunData(spec: RunSpec, dataset: DatasetOptions): Promise<DatasetSplit> {
  const full = await loadDataset(dataset);
  if (!spec.subset) return full;
  return {
    train: firstN(full.train, spec.subset.train),
    test: firstN(full.test, spec.subset.test),
  };
}

/** The fields every result line carries besides its metrics. */
export function resultEnvelope(
  spec: RunSpec,
  options: ExecuteRunOptions,
  seed: number,
  startedAt: string,
  wallMs: number,
): Omit<RunResult, 'undefended' | 'defended' | 'natural'> {
  return {
    format: 1,
    suite: options.suite,
    scale: options.scale,
    id: spec.id,
    labels: spec.labels,
    configHash: runHash(spec),
    seed,
    gitRevision: gitRevision(),
    backend: tf.getBackend(),
    versions: { node: process.version, tfjs: tf.version_core },
    host: { cpus: cpus().length, platform: platform() },
    startedAt,
    wallMs,
    ...(spec.paper ? { paper: spec.paper } : {}),
  };
}
