import { resolve } from 'node:path';
import { type ExperimentConfig, parseExperimentConfig, readExperimentConfig } from '@none/config';

/** The config of `--config FILE` (JSON or YAML), or the embedded default; `--seed` overrides. */
export async function loadConfigArgument(
  file: string | undefined,
  seed?: string,
): Promise<ExperimentConfig> {
  const config = file ? await readExperimentConfig(resolve(file)) : parseExperimentConfig({});
  return seed === undefined ? config : parseExperimentConfig({ ...config, seed: Number(seed) });
}
