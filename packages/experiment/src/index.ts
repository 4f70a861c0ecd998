export { DEFENSES, type DefenseName } from './defenses';
export { ExperimentError, type ExperimentErrorCode } from './errors';
export type { ExperimentOptions } from './experiment-options';
export {
  type DefendedResult,
  type ExperimentEvent,
  type ExperimentReport,
  type Stage,
  writeArtifacts,
} from './experiment-report';
export { hashConfig } from './hash-config';
export { formatReportMarkdown } from './report-markdown';
export { defenseWarnings, noneFinding } from './report-warnings';
export { type RunExperimentOptions, runExperiment } from './run-experiment';
export { type TrainWithNoneOptions, trainWithNone } from './train-with-none';
