import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@none/backend public API', () => {
  it('exports exactly these names', () => {
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

  it('registers nothing at import time', () => {
    expect(getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
  });
});
