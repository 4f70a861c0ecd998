// @none/attacks: backdoor triggers and dataset poisoning on plain typed arrays.
// No TensorFlow.js, no runtime dependencies. Model-driven attacks live at
// `@none/attacks/model`; zod schemas are at `@none/attacks/schema`.

export {
  ATTACK_LABEL_DEFAULTS,
  ATTACK_TYPES,
  type AttackConfig,
  type AttackLabelOptions,
  type AttackType,
  applyAttack,
  type BadNetsAttack,
  type BlendAttack,
  type DynamicPatchAttack,
  type FilterAttack,
  LABEL_MODES,
  type LabelMode,
  type PixelAttack,
  type ResolvedAttackConfig,
  resolveAttackConfig,
  type SigAttack,
  type WanetAttack,
  type WatermarkAttack,
} from './attack-config';
export {
  type AttackTestSetOptions,
  type AttackTestSetResult,
  attackTestSet,
} from './attack-test-set';
export { AttackError, type AttackErrorCode, type AttackErrorOptions } from './errors';
export { mapLabels, targetLabel } from './label-map';
export { applyMaskedTrigger, type MaskedTrigger } from './masked-trigger';
export {
  type EligibleRule,
  isLittleEndian,
  POISON_FORMAT_VERSION,
  type PoisonManifest,
  type PoisonOptions,
  type PoisonResult,
  poisonDataset,
  verifyPoisonResult,
} from './poison-dataset';
export {
  POISONED_DATASET_FILES,
  readPoisonedDataset,
  writePoisonedDataset,
} from './poisoned-dataset-io';
export { sha256Hex } from './sha256';
export {
  type RenderTriggerExamplesOptions,
  renderTriggerExamples,
  type TriggerExample,
} from './trigger-examples';
export {
  TRIGGER_ANCHORS,
  type TriggerAnchor,
  type TriggerColor,
  type TriggerImage,
  type TriggerPosition,
} from './trigger-geometry';
export type { PatchPattern } from './triggers/_patch';
export {
  applyBadNets,
  BADNETS_DEFAULTS,
  type BadNetsTriggerOptions,
  createBadNetsTrigger,
} from './triggers/badnets';
export {
  applyBlend,
  BLEND_DEFAULTS,
  type BlendTriggerOptions,
  createBlendTrigger,
} from './triggers/blend';
export {
  applyDynamicPatch,
  createDynamicPatchTrigger,
  DYNAMIC_PATCH_DEFAULTS,
  type DynamicPatchPlacement,
  type DynamicPatchTriggerOptions,
} from './triggers/dynamic-patch';
export {
  applyFilter,
  FILTER_DEFAULTS,
  FILTER_NAMES,
  type FilterName,
  type FilterTriggerOptions,
} from './triggers/filter';
export {
  applyPixelTrigger,
  createPixelTrigger,
  PIXEL_DEFAULTS,
  type PixelTriggerOptions,
} from './triggers/pixel';
export { applySig, createSigSignal, SIG_DEFAULTS, type SigTriggerOptions } from './triggers/sig';
export {
  applyWanet,
  createWanetGrid,
  WANET_DEFAULTS,
  type WanetTriggerOptions,
  type WarpGrid,
} from './triggers/wanet';
export {
  applyWatermark,
  createWatermarkTrigger,
  WATERMARK_DEFAULTS,
  type WatermarkTriggerOptions,
} from './triggers/watermark';
export type {
  ImageArray,
  ImageBatch,
  ImageDataset,
  ImageShape,
  ImageSize,
  SingleImageShape,
  TriggeredBatch,
} from './types';
