export { argmaxRows, gatherBatch, predictLogits } from './_batches';
export {
  type CheckpointContents,
  readCheckpoint,
  readModelWeights,
  writeCheckpoint,
  writeModelWeights,
} from './checkpoint';
export { TrainerError, type TrainerErrorCode } from './errors';
export type { Defense, ExperimentOptions, TrainingOptions } from './experiment-options';
export { freezeBatchNorm } from './freeze-batch-norm';
export { type LearningRateSchedule, learningRateAt } from './learning-rate';
export { accuracy, detectionQuality } from './metrics';
export {
  CONFIDENCE_GAP_DETECTION_DEFAULTS,
  type ConfidenceGapDetectionOptions,
  detectConfidenceGap,
} from './none/detect-confidence-gap';
export {
  CONSENSUS_DETECTION_DEFAULTS,
  type ConsensusDetectionOptions,
  detectConsensus,
} from './none/detect-consensus';
export {
  detectPaper,
  PAPER_DETECTION_DEFAULTS,
  type PaperDetectionOptions,
} from './none/detect-paper';
export {
  NONE_DEFAULTS,
  type NoneOptions,
  type NoneVariant,
  type ResolvedNoneOptions,
} from './none/none-options';
export {
  detectNone,
  type NoneEvent,
  type NoneRoundRecord,
  type NoneState,
  type RunNoneOptions,
  resolveNoneOptions,
  runNone,
} from './none/run-none';
export type { LayerValues, NoneActivations, NoneDetection } from './none/types';
export {
  type AdamOptions,
  createOptimizer,
  type Optimizer,
  type OptimizerOptions,
  type OptimizerState,
  type SgdOptions,
} from './optimizer';
export { formatReportMarkdown } from './report-markdown';
export {
  type DefendedResult,
  type ExperimentEvent,
  type ExperimentReport,
  hashConfig,
  type ModelResult,
  type RunExperimentOptions,
  runExperiment,
  type Stage,
} from './run-experiment';
export {
  type AugmentOptions,
  type EpochLogs,
  epochSeed,
  type TrainEpochsOptions,
  trainEpochs,
} from './train-epochs';
