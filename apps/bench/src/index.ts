export { benchCommand, resolveScale, resolveSuites, workerCommand } from './commands';
export { BenchError, type BenchErrorCode, type BenchErrorOptions } from './errors';
export { executeRun } from './execute-run';
export * from './figures';
export {
  TABLE_1,
  TABLE_2,
  TABLE_3,
  TABLE_4,
  TABLE_5,
  TABLE_6,
  TABLE_8,
  TABLE_10,
  TABLE_12_17,
  TABLE_13,
  TABLE_14,
  TABLE_15,
} from './paper';
export * from './plot';
export {
  type QueueSuiteOptions,
  type QueueWorkerOptions,
  redisConnection,
  runSuiteOnQueue,
  startQueueWorker,
} from './queue';
export { formatSuiteReport, resultsTable } from './report';
export { appendResult, readResults } from './results';
export { type ExecuteRunOptions, type RunKind, runHash } from './run-context';
export {
  planSuite,
  type RunnerEvent,
  type RunSuiteOptions,
  runSuite,
  type SuiteRunSummary,
} from './runner';
export { oursVersusPaperRows, renderSuiteCharts, sensitivityPoints } from './suite-charts';
export { PRESETS, SUITES } from './suites';
export type { ModelMetrics, PaperCell, RunResult, RunSpec, Scale, SuiteDefinition } from './types';
export { writeSuiteReport } from './write-report';
