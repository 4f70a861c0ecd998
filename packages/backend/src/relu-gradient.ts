import * as tf from '@tensorflow/tfjs-core';
import {
  type GradConfig,
  getGradient,
  getKernel,
  Relu,
  registerGradient,
} from '@tensorflow/tfjs-core';
import { BackendError } from './errors';
import { RELU_GRAD } from './kernels/relu';

const STATE_KEY = Symbol.for('@none/backend.relu-gradient');

interface GradientState {
  ours: GradConfig | undefined;
}

function gradientState(): GradientState {
  const global = globalThis as Record<symbol, GradientState | undefined>;
  let state = global[STATE_KEY];
  if (state === undefined) {
    state = { ours: undefined };
    global[STATE_KEY] = state;
  }
  return state;
}

/**
 * The gradient of `Relu` as one fused wasm kernel (`NoneReluGrad`) when the active backend
 * is wasm and the tensors qualify (float32, same shape, size a multiple of 4); everywhere
 * else tfjs's own `dy · cast(step(x))`. Gradients are global in tfjs, so the fallback keeps
 * every other backend exactly as it was. Registered by `initBackend()` for wasm.
 */
export function registerReluGradient(): void {
  const state = gradientState();
  const current = getGradient(Relu);
  if (current !== undefined && current === state.ours) return;
  const config: GradConfig = {
    kernelName: Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      const dyTensor = dy as tf.Tensor;
      if (x === undefined)
        throw new BackendError('E_INTERNAL', 'Relu gradient: the input was not saved');
      const fused =
        tf.getBackend() === 'wasm' &&
        getKernel(RELU_GRAD, 'wasm') !== undefined &&
        x.dtype === 'float32' &&
        dyTensor.dtype === 'float32' &&
        x.size % 4 === 0 &&
        x.size > 0 &&
        tf.util.arraysEqual(x.shape, dyTensor.shape);
      return {
        x: () =>
          fused
            ? (tf.engine().runKernel(RELU_GRAD, { dy: dyTensor, x }) as tf.Tensor)
            : tf.mul(dyTensor, tf.cast(tf.step(x), 'float32')),
      };
    },
  };
  state.ours = config;
  registerGradient(config);
}
