import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AttackConfig } from '@none/attacks';
import { attackConfigSchema } from '@none/attacks/schema';
import { baselinesSchema } from '@none/baselines/schema';
import type { DatasetOptions } from '@none/data';
import { datasetConfigSchema } from '@none/data/schema';
import type { ExperimentOptions } from '@none/experiment';
import type { ModelOptions } from '@none/models';
import { modelConfigSchema } from '@none/models/schema';
import { noneSchema, trainingSchema } from '@none/trainer/schema';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors';

/** The experiment config: what `none train --config FILE` reads. Every field has a default. */
export const experimentConfigSchema = z.strictObject({
  /** Seed of the poisoning, the initialisation and the training order. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  /** The data; default: the embedded MNIST (10,000 real digits shipped in the `mnist` package). */
  dataset: datasetConfigSchema.prefault({ type: 'embedded-mnist' }),
  /** The attack stamped on the training set; `null` for clean data. Default: BadNets 3x3 white patch, target 0. */
  attack: attackConfigSchema.nullable().prefault({ type: 'badnets' }),
  /** Fraction of the training set the attack poisons. */
  poisonRate: z.number().min(0).max(1).default(0.05),
  model: modelConfigSchema.prefault({}),
  training: trainingSchema.prefault({}),
  /** `none` trains plainly; `NONE` (or a baseline) also trains a defended model and compares. */
  defense: z
    .enum(['none', 'NONE', 'dp-sgd', 'activation-clustering', 'abl', 'nad', 'dbd'])
    .default('NONE'),
  none: noneSchema.prefault({}),
  /** Options of the baselines (DP-SGD, Activation Clustering). */
  baselines: baselinesSchema.prefault({}),
});

export type ExperimentConfig = z.output<typeof experimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;

/**
 * Validates any value as an experiment config and fills the defaults.
 * @throws {ConfigError} listing every bad field by path, e.g. `✖ Invalid input → at training.epochs`.
 */
export function parseExperimentConfig(input: unknown, file?: string): ExperimentConfig {
  const result = experimentConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const where = file ? ` in ${file}` : '';
    throw new ConfigError(
      'E_INVALID_CONFIG',
      `invalid experiment config${where}:\n${z.prettifyError(result.error)}`,
      {
        cause: result.error,
        ...(file ? { file } : {}),
      },
    );
  }
  return result.data;
}

/** Reads a JSON or YAML config file and parses it. */
export async function readExperimentConfig(file: string): Promise<ExperimentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      'E_READ',
      `cannot read config file ${file}: ${(cause as Error).message}`,
      { cause, file },
    );
  }
  let value: unknown;
  try {
    value = ['.yaml', '.yml'].includes(extname(file).toLowerCase())
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(
      'E_READ',
      `config file ${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'JSON or YAML'}: ${(cause as Error).message}`,
      {
        cause,
        file,
      },
    );
  }
  return parseExperimentConfig(value, file);
}

/** The plain options `runExperiment` takes, from a parsed config. */
export function toExperimentOptions(
  config: ExperimentConfig,
): ExperimentOptions & { dataset: DatasetOptions } {
  const { training } = config;
  const schedule = training.schedule ?? {
    type: 'multistep' as const,
    milestones: [Math.round(training.epochs * 0.7)],
    gamma: 0.1,
  };
  return {
    seed: config.seed,
    dataset: config.dataset as DatasetOptions,
    attack: config.attack
      ? { config: config.attack as AttackConfig, rate: config.poisonRate }
      : null,
    model: config.model as Omit<ModelOptions, 'inputShape' | 'numClasses' | 'seed'>,
    training: { ...training, schedule, augment: training.augment },
    defense: config.defense,
    // The earlier variants warm up 3 epochs by default; `signature` resolves its own schedule.
    none:
      config.none.variant === 'signature' || config.none.warmupEpochs !== undefined
        ? config.none
        : { ...config.none, warmupEpochs: 3 },
    baselines: config.baselines,
  };
}
