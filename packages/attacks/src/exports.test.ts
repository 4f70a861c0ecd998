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

it('exports exactly its zod schemas at /schema and its model-driven attacks at /model', async () => {
  expect(Object.keys(await import('./schema')).sort()).toMatchInlineSnapshot();
  expect(Object.keys(await import('./model/index')).sort()).toMatchInlineSnapshot();
});
