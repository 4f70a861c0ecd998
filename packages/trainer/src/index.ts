export { argmaxRows, gatherBatch, predictLogits } from './_batches';
export {
  ACTIVATION_CLUSTERING_DEFAULTS,
  type ActivationClusteringOptions,
  type ActivationClusteringResult,
  activationClustering,
  type ClassClustering,
  type ClusteringActivations,
} from './baselines/activation-clustering';
export {
  type ClipAndNoiseOptions,
  clipAndNoiseGradients,
  clipGradientNorm,
  DP_SGD_SETTINGS,
  type DpSgdSetting,
  type TrainEpochsDpSgdOptions,
  trainEpochsDpSgd,
} from './baselines/dp-sgd';
export {
  type KMeansOptions,
  type KMeansResult,
  kMeans,
  silhouetteScore,
} from './baselines/k-means';
export {
  type PrincipalComponents,
  principalComponents,
  projectOntoComponents,
  type SymmetricEigen,
  symmetricEigen,
} from './baselines/pca';
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
