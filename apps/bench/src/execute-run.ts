import { execFileSync } from 'node:child_process';
import { cpus, platform } from 'node:os';
import { join } from 'node:path';
import { naturalTrojanScan } from '@none/attacks/model';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import {
  type DatasetOptions,
  type DatasetSplit,
  type ImageDataset,
  loadDataset,
  shuffleDataset,
  subsetDataset,
} from '@none/data';
import { type ExperimentEvent, hashConfig, runExperiment } from '@none/experiment';
import { loadModel } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import { labelConsistentTrainingSet, parseLabelConsistentParams } from './kinds/label-consistent';
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

function firstN(dataset: ImageDataset, n: number): ImageDataset {
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

/**
 * Runs one experiment of a suite in this process (the backend must be initialised) and
 * returns its result line. Checkpoints go to `<outDir>/runs/<id>/<hash>`, so a killed run
 * resumes.
 */
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

/** Runners of the kinds that are not a plain `runExperiment` (registered by their modules). */
export const RUN_KINDS: Partial<
  Record<RunSpec['kind'], (spec: RunSpec, options: ExecuteRunOptions) => Promise<RunResult>>
> = {};

export async function executeRun(spec: RunSpec, options: ExecuteRunOptions): Promise<RunResult> {
  const special = RUN_KINDS[spec.kind];
  if (special) return special(spec, options);
  const where = `${options.suite}/${spec.id}`;
  const config = parseExperimentConfig(spec.config, where);
  const experiment = toExperimentOptions(config);
  const labelConsistent = spec.kind === 'label-consistent';
  const data =
    spec.subset || labelConsistent ? await loadRunData(spec, experiment.dataset) : undefined;
  const poisoned = labelConsistent
    ? await labelConsistentTrainingSet(
        experiment,
        parseLabelConsistentParams(spec.params, where),
        data!,
        where,
      )
    : undefined;
  // One folder per spec: a changed config of the same id starts afresh instead of resuming.
  const runDir = join(options.outDir, 'runs', spec.id, runHash(spec));
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const report = await runExperiment(experiment, {
    outDir: runDir,
    resume: true,
    ...(data ? { data } : {}),
    ...(poisoned ? { poisoned } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  let natural: RunResult['natural'];
  if (spec.kind === 'natural') {
    const scan = spec.scan ?? {
      budgets: [0.02, 0.04, 0.06, 0.08, 0.1, 0.12],
      steps: 150,
      images: 500,
    };
    const test = data?.test ?? (await loadDataset(experiment.dataset)).test;
    const images = firstN(test, scan.images);
    const reasr = async (dir: string) => {
      const built = await loadModel(join(runDir, dir));
      try {
        const result = naturalTrojanScan(built.model, images, {
          budgets: scan.budgets,
          steps: scan.steps,
          seed: config.seed,
        });
        return result.budgets.map((b) => b.reasr);
      } finally {
        built.model.dispose();
      }
    };
    natural = {
      budgets: scan.budgets,
      undefended: await reasr('undefended-model'),
      defended: report.defended ? await reasr('model') : null,
    };
  }
  const d = report.defended;
  return {
    ...resultEnvelope(spec, options, config.seed, startedAt, performance.now() - started),
    backend: report.backend,
    undefended: {
      ba: report.undefended.ba,
      asr: report.undefended.asr,
      trainMs: report.undefended.trainMs,
    },
    defended: d
      ? {
          defense: d.defense,
          variant: d.variant,
          ba: d.ba,
          asr: d.asr,
          trainMs: d.trainMs,
          removed: d.removed,
          precision: d.precision,
          recall: d.recall,
          overhead: d.overhead,
        }
      : null,
    ...(natural ? { natural } : {}),
  };
}
