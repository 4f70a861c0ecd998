import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/backend: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "BackendError",
      "WASM_TRAINING_KERNELS",
      "gpuVisible",
      "initBackend",
      "profileKernels",
      "registerWasmTrainingKernels",
    ]
  `);
});
