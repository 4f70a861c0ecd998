export { argmaxRows, gatherBatch, keptIndices, predictLogits, range } from './_batches';
export {
  type CheckpointContents,
  readCheckpoint,
  readModelWeights,
  writeCheckpoint,
  writeModelWeights,
} from './checkpoint';
export type {
  CheckpointBinary,
  Defense,
  DefenseContext,
  DefenseEvent,
  DefenseOutcome,
  ModelResult,
  RestoredCheckpoint,
  TrainPhaseOptions,
} from './defense';
export { TrainerError, type TrainerErrorCode } from './errors';
export { type ClientUpdate, fedAvg, iidShards } from './federated-averaging';
export { freezeBatchNorm } from './freeze-batch-norm';
export { type LearningRateSchedule, learningRateAt, scaleSchedule } from './learning-rate';
export { accuracy, detectionQuality, evaluateBackdoor } from './metrics';
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
  growAndPruneSeeds,
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
  neighbourWitness,
} from './none/neighbours';
export {
  type NoneDefenseOptions,
  type NoneDefenseState,
  noneDefense,
} from './none/none-defense';
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
export {
  type AugmentOptions,
  type EpochLogs,
  epochBatches,
  epochOrder,
  type TrainEpochsOptions,
  trainEpochs,
} from './train-epochs';
export type { TrainingOptions } from './training-options';
