import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/models: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "ACTIVATION_NAMES",
      "ALEXNET_DROPOUT",
      "ARCHITECTURES",
      "LEAKY_RELU_ALPHA",
      "MLP_HIDDEN_LAYERS",
      "MLP_HIDDEN_UNITS",
      "MODEL_FILES",
      "ModelError",
      "NIN_DROPOUT",
      "RESNET_BLOCKS",
      "SeededDropout",
      "Tanhshrink",
      "VGG_CONFIGS",
      "WRN_DEPTH",
      "activationLayer",
      "buildAlexnet",
      "buildMlp",
      "buildModel",
      "buildNin",
      "buildResnet18",
      "buildResnet34",
      "buildSmallCnn",
      "buildVgg11",
      "buildVgg16",
      "buildWrn16",
      "cutModel",
      "describeNeurons",
      "loadLayersModelFile",
      "loadModel",
      "prepareUserModel",
      "registerCustomLayers",
      "resetNeurons",
      "saveModel",
      "setDropoutStep",
    ]
  `);
});

it('exports exactly its zod schemas at /schema', async () => {
  expect(Object.keys(await import('./schema')).sort()).toMatchInlineSnapshot(`
    [
      "MODEL_DEFAULTS",
      "modelConfigSchema",
    ]
  `);
});
