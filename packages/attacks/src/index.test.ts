import { describe, expect, it } from 'vitest';
import * as api from './index';
import * as schemaApi from './schema';

describe('public API', () => {
  it('exports exactly these names from @none/attacks', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ATTACK_LABEL_DEFAULTS',
      'ATTACK_TYPES',
      'AttackError',
      'BADNETS_DEFAULTS',
      'BLEND_DEFAULTS',
      'DYNAMIC_PATCH_DEFAULTS',
      'FILTER_DEFAULTS',
      'FILTER_NAMES',
      'LABEL_MODES',
      'PIXEL_DEFAULTS',
      'POISONED_DATASET_FILES',
      'POISON_FORMAT_VERSION',
      'SIG_DEFAULTS',
      'TRIGGER_ANCHORS',
      'WANET_DEFAULTS',
      'WATERMARK_DEFAULTS',
      'applyAttack',
      'applyBadNets',
      'applyBlend',
      'applyDynamicPatch',
      'applyFilter',
      'applyMaskedTrigger',
      'applyPixelTrigger',
      'applySig',
      'applyWanet',
      'applyWatermark',
      'attackTestSet',
      'createBadNetsTrigger',
      'createBlendTrigger',
      'createDynamicPatchTrigger',
      'createPixelTrigger',
      'createSigSignal',
      'createWanetGrid',
      'createWatermarkTrigger',
      'isLittleEndian',
      'mapLabels',
      'poisonDataset',
      'readPoisonedDataset',
      'renderTriggerExamples',
      'resolveAttackConfig',
      'sha256Hex',
      'targetLabel',
      'verifyPoisonResult',
      'writePoisonedDataset',
    ]);
  });

  it('exports exactly these schemas from @none/attacks/schema', () => {
    expect(Object.keys(schemaApi).sort()).toEqual([
      'attackConfigSchema',
      'badNetsAttackSchema',
      'blendAttackSchema',
      'dynamicPatchAttackSchema',
      'filterAttackSchema',
      'patchPatternSchema',
      'pixelAttackSchema',
      'poisonOptionsSchema',
      'seedSchema',
      'sigAttackSchema',
      'triggerColorSchema',
      'triggerImageSchema',
      'triggerPositionSchema',
      'wanetAttackSchema',
      'watermarkAttackSchema',
    ]);
  });
});
