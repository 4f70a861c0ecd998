// The `experiment`, `natural` and `label-consistent` run kinds: one `runExperiment`, plus a
// natural-trojan scan of its models (`natural`) or on a label-consistent poisoned training
// set (`label-consistent`, see ./label-consistent.ts).
import { join } from 'node:path';
import { naturalTrojanScan } from '@none/attacks/model';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import { loadDataset } from '@none/data';
import { runExperiment } from '@none/experiment';
import { loadModel } from '@none/models';
import {
  type ExecuteRunOptions,
  firstN,
  loadRunData,
  resultEnvelope,
  runHash,
} from '../run-context';
import type { RunResult, RunSpec } from '../types';
import { labelConsistentTrainingSet, parseLabelConsistentParams } from './label-consistent';

/** The natural-trojan scan of a `natural` run without `spec.scan`. */
const DEFAULT_SCAN = { budgets: [0.02, 0.04, 0.06, 0.08, 0.1, 0.12], steps: 150, images: 500 };

/**
 * Runs an `experiment`, `natural` or `label-consistent` spec: `runExperiment` on the config
 * (on the spec's subset, or on the label-consistent poisoned set), resuming from
 * `<outDir>/runs/<id>/<hash>`; a `natural` run then scans the undefended and defended models.
 */
export async function executeExperimentRun(
  spec: RunSpec,
  options: ExecuteRunOptions,
): Promise<RunResult> {
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
    const scan = spec.scan ?? DEFAULT_SCAN;
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
