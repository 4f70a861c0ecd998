import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/attacks: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "ATTACK_LABEL_DEFAULTS",
      "ATTACK_TYPES",
      "AttackError",
      "BADNETS_DEFAULTS",
      "BLEND_DEFAULTS",
      "DYNAMIC_PATCH_DEFAULTS",
      "FILTER_DEFAULTS",
      "FILTER_NAMES",
      "LABEL_MODES",
      "PIXEL_DEFAULTS",
      "POISONED_DATASET_FILES",
      "POISON_FORMAT_VERSION",
      "SIG_DEFAULTS",
      "TRIGGER_ANCHORS",
      "WANET_DEFAULTS",
      "WATERMARK_DEFAULTS",
      "applyAttack",
      "applyBadNets",
      "applyBlend",
      "applyDynamicPatch",
      "applyFilter",
      "applyMaskedTrigger",
      "applyPixelTrigger",
      "applySig",
      "applyWanet",
      "applyWatermark",
      "attackTestSet",
      "createBadNetsTrigger",
      "createBlendTrigger",
      "createDynamicPatchTrigger",
      "createPixelTrigger",
      "createSigSignal",
      "createWanetGrid",
      "createWatermarkTrigger",
      "isLittleEndian",
      "mapLabels",
      "poisonDataset",
      "readPoisonedDataset",
      "renderTriggerExamples",
      "resolveAttackConfig",
      "sha256Hex",
      "targetLabel",
      "verifyPoisonResult",
      "writePoisonedDataset",
    ]
  `);
});

it('exports exactly its zod schemas at /schema', async () => {
  expect(Object.keys(await import('./schema')).sort()).toMatchInlineSnapshot(`
    [
      "attackConfigSchema",
      "badNetsAttackSchema",
      "blendAttackSchema",
      "dynamicPatchAttackSchema",
      "filterAttackSchema",
      "patchPatternSchema",
      "pixelAttackSchema",
      "poisonOptionsSchema",
      "seedSchema",
      "sigAttackSchema",
      "triggerColorSchema",
      "triggerImageSchema",
      "triggerPositionSchema",
      "wanetAttackSchema",
      "watermarkAttackSchema",
    ]
  `);
});

it('exports exactly its model-driven attacks at /model', async () => {
  expect(Object.keys(await import('./model/index')).sort()).toMatchInlineSnapshot(`
    [
      "HIDDEN_TRIGGER_DEFAULTS",
      "HIDDEN_TRIGGER_PATCH_DEFAULTS",
      "LABEL_CONSISTENT_DEFAULTS",
      "NATURAL_TROJAN_BUDGETS",
      "PGD_DEFAULTS",
      "PGD_NORMS",
      "REVERSE_ENGINEER_DEFAULTS",
      "TRIGGER_SPLITS",
      "adaptiveActivationLoss",
      "adaptiveAttackLoss",
      "featureExtractorOf",
      "hiddenTriggerPoison",
      "labelConsistentPoison",
      "layerActivationLoss",
      "naturalTrojanScan",
      "pasteTriggerAtRandom",
      "pgdPerturb",
      "poisonClientDataset",
      "reverseEngineerTrigger",
      "splitTriggerForClients",
    ]
  `);
});
