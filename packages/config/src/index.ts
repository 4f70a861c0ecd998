export { ConfigError } from './errors';
export {
  type ExperimentConfig,
  type ExperimentConfigInput,
  experimentConfigSchema,
  parseExperimentConfig,
  readExperimentConfig,
  toExperimentOptions,
} from './experiment-config';
