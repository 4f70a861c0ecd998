// @none/attacks/model: attacks that need a model (TensorFlow.js LayersModel, logits out).
// `@tensorflow/tfjs-core` and `@tensorflow/tfjs-layers` are (optional) peer dependencies;
// initialise a backend first (e.g. `initBackend` of @none/backend).

export type { ModelImages } from './_model';
export {
  type AdaptiveAttackBatch,
  type AdaptiveAttackLossOptions,
  adaptiveActivationLoss,
  adaptiveAttackLoss,
  type LayerActivationLossOptions,
  layerActivationLoss,
} from './adaptive-activation-loss';
export {
  type AdaptiveFineTuneOptimizer,
  type AdaptiveFineTuneOptions,
  activationDistance,
  adaptiveFineTune,
} from './adaptive-fine-tune';
export {
  HIDDEN_TRIGGER_DEFAULTS,
  HIDDEN_TRIGGER_PATCH_DEFAULTS,
  type HiddenTriggerOptions,
  type HiddenTriggerPatch,
  type HiddenTriggerProgress,
  type HiddenTriggerResult,
  hiddenTriggerPoison,
  type PastedTriggerBatch,
  type PasteTriggerOptions,
  pasteTriggerAtRandom,
} from './hidden-trigger';
export {
  LABEL_CONSISTENT_DEFAULTS,
  type LabelConsistentManifest,
  type LabelConsistentOptions,
  type LabelConsistentResult,
  labelConsistentPoison,
} from './label-consistent-poison';
export {
  NATURAL_TROJAN_BUDGETS,
  type NaturalTrojanBudgetResult,
  type NaturalTrojanScanOptions,
  type NaturalTrojanScanResult,
  naturalTrojanScan,
} from './natural-trojan-scan';
export { PGD_DEFAULTS, PGD_NORMS, type PgdOptions, pgdPerturb } from './pgd-perturb';
export {
  type ClientPoisonManifest,
  type ClientPoisonOptions,
  type ClientPoisonResult,
  poisonClientDataset,
} from './poison-client-dataset';
export {
  REVERSE_ENGINEER_DEFAULTS,
  type ReverseEngineeredTrigger,
  type ReverseEngineerOptions,
  reverseEngineerTrigger,
} from './reverse-engineer-trigger';
export {
  type SplitTriggerOptions,
  splitTriggerForClients,
  TRIGGER_SPLITS,
  type TriggerSplit,
} from './split-trigger-for-clients';
