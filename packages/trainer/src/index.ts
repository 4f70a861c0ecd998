export { argmaxRows, gatherBatch, predictLogits } from './_batches';
export {
  ABL_DEFAULTS,
  type AblEvent,
  type AblIsolationRecord,
  type AblOptions,
  type AblState,
  localGradientAscentLoss,
  lowestLossIndices,
  type RunAblOptions,
  runAbl,
} from './baselines/abl';
export {
  ACTIVATION_CLUSTERING_DEFAULTS,
  type ActivationClusteringOptions,
  type ActivationClusteringResult,
  activationClustering,
  type ClassClustering,
  type ClusteringActivations,
} from './baselines/activation-clustering';
export {
  DBD_DEFAULTS,
  type DbdEvent,
  type DbdOptions,
  type DbdSplitRecord,
  type DbdState,
  ntXentLoss,
  runDbd,
  symmetricCrossEntropy,
} from './baselines/dbd';
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
  attentionDistillationLoss,
  attentionMap,
  NAD_DEFAULTS,
  type NadEvent,
  type NadOptions,
  type NadState,
  type RunNadOptions,
  runNad,
} from './baselines/nad';
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
export type {
  BaselineOptions,
  Defense,
  ExperimentOptions,
  TrainingOptions,
} from './experiment-options';
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
  detectSignature,
  SIGNATURE_DETECTION_DEFAULTS,
  type SignatureClassRecord,
  type SignatureDetectionOptions,
  type SignatureInput,
  type SignaturePattern,
} from './none/detect-signature';
export {
  type InputFeatures,
  inputFeatures,
  labelDisagreement,
  nearestNeighbours,
} from './none/neighbours';
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
export { defenseWarnings, noneFinding } from './report-warnings';
export {
  cleanSubset,
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
export { type TrainWithNoneOptions, trainWithNone } from './train-with-none';
