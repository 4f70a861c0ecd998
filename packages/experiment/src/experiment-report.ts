import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PoisonManifest } from '@none/attacks';
import { writeFileAtomic as writeAtomic } from '@none/io';
import type { DefenseEvent, ModelResult, NoneRoundRecord } from '@none/trainer';
import type { DefenseName } from './defenses';
import type { ExperimentOptions } from './experiment-options';
import { formatReportMarkdown } from './report-markdown';

export interface DefendedResult extends ModelResult {
  defense: Exclude<DefenseName, 'none'>;
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
  /** Indices (into the training set) of the samples the defense removed. */
  removedIndices: number[];
}

/** The stages progress names: the undefended training, then the defense's phases. */
export type Stage = 'undefended' | 'warmup' | 'none' | 'retrain' | 'baseline' | (string & {});

export type ExperimentEvent =
  | DefenseEvent
  | { type: 'evaluated'; stage: Stage; result: ModelResult }
  | { type: 'resumed'; stage: Stage; epoch: number };

/** Writes report.json, report.md, removed.json and the poison manifest into `outDir` (each atomically). */
export async function writeArtifacts(
  outDir: string,
  report: ExperimentReport,
  manifest: PoisonManifest | undefined,
): Promise<void> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await mkdir(outDir, { recursive: true });
  await writeAtomic(join(outDir, 'report.json'), json(report));
  await writeAtomic(join(outDir, 'report.md'), formatReportMarkdown(report));
  await writeAtomic(join(outDir, 'removed.json'), json(report.removedIndices));
  if (manifest) await writeAtomic(join(outDir, 'poison-manifest.json'), json(manifest));
}
