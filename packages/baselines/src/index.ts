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
} from './abl';
export { ablDefense } from './abl-defense';
export {
  ACTIVATION_CLUSTERING_DEFAULTS,
  type ActivationClusteringOptions,
  type ActivationClusteringResult,
  activationClustering,
  type ClassClustering,
  type ClusteringActivations,
} from './activation-clustering';
export {
  type ActivationClusteringState,
  activationClusteringDefense,
} from './activation-clustering-defense';
export type { BaselineOptions } from './baseline-options';
export { cleanSubset } from './clean-subset';
export {
  DBD_DEFAULTS,
  type DbdEvent,
  type DbdOptions,
  type DbdSplitRecord,
  type DbdState,
  ntXentLoss,
  runDbd,
  symmetricCrossEntropy,
} from './dbd';
export { dbdDefense } from './dbd-defense';
export {
  type ClipAndNoiseOptions,
  clipAndNoiseGradients,
  clipGradientNorm,
  DP_SGD_SETTINGS,
  type DpSgdSetting,
  type TrainEpochsDpSgdOptions,
  trainEpochsDpSgd,
} from './dp-sgd';
export { dpSgdDefense } from './dp-sgd-defense';
export { BaselineError, type BaselineErrorCode } from './errors';
export {
  attentionDistillationLoss,
  attentionMap,
  NAD_DEFAULTS,
  type NadEvent,
  type NadOptions,
  type NadState,
  type RunNadOptions,
  runNad,
} from './nad';
export { nadDefense } from './nad-defense';
