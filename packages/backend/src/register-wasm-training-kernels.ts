import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { registerBatchNormGradient } from './batch-norm-gradient';
import { BackendError } from './errors';
import { makeBatchMatMulConfig } from './kernels/batch-mat-mul';
import { makeAddConfig, makeMultiplyConfig, makeSubConfig } from './kernels/binary';
import { makeConv2dConfig } from './kernels/conv2d';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter';
import { makeConv2dBackpropInputConfig } from './kernels/conv2d-backprop-input';
import { avgPoolGradConfig, maxPoolGradConfig } from './kernels/pool-grad';
import { makeMeanConfig, makeSumConfig } from './kernels/reduce-leading';
import { makeReluConfig, reluGradConfig } from './kernels/relu';
import { makeTileConfig } from './kernels/tile';
import { makeCastConfig, makeIdentityConfig } from './kernels/zero-copy';
import { registerReluGradient } from './relu-gradient';

/** Names of the kernels `registerWasmTrainingKernels` registers for the `wasm` backend. */
export const WASM_TRAINING_KERNELS = [
  'Conv2D',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'Sum',
  'Mean',
  'Identity',
  'Cast',
  'Add',
  'Sub',
  'Multiply',
  'Tile',
  'Relu',
  'NoneReluGrad',
] as const;

/**
 * Kept on `globalThis`: tfjs's kernel registry is global, and a second copy of this module
 * (another bundle, a test runner's fresh module graph) must recognise our kernels and reuse
 * the original ones it replaced.
 */
interface RegistrationState {
  ours: WeakSet<KernelFunc>;
  originals: Map<string, KernelFunc | undefined>;
}
const STATE_KEY = Symbol.for('@none/backend.registration');

/** The shared state, created on first use (nothing happens at import time). */
function registrationState(): RegistrationState {
  const global = globalThis as Record<symbol, RegistrationState | undefined>;
  let state = global[STATE_KEY];
  if (state === undefined) {
    state = { ours: new WeakSet(), originals: new Map() };
    global[STATE_KEY] = state;
  }
  return state;
}

function makeConfigs(original: (name: string) => KernelFunc | undefined): KernelConfig[] {
  return [
    makeConv2dConfig(original('Conv2D')),
    conv2dBackpropFilterConfig,
    makeConv2dBackpropInputConfig(original('Conv2DBackpropInput')),
    makeBatchMatMulConfig(original('BatchMatMul')),
    maxPoolGradConfig,
    avgPoolGradConfig,
    makeSumConfig(original('Sum')),
    makeMeanConfig(original('Mean')),
    makeIdentityConfig(original('Identity')),
    makeCastConfig(original('Cast')),
    makeAddConfig(original('Add')),
    makeSubConfig(original('Sub')),
    makeMultiplyConfig(original('Multiply')),
    makeTileConfig(original('Tile')),
    makeReluConfig(original('Relu')),
    reluGradConfig,
  ];
}

/**
 * Registers the training kernels of `@none/backend` for the `wasm` backend of
 * `@tensorflow/tfjs-backend-wasm` (imported here, which registers that backend), replacing
 * the backend's own kernels of the same names; the replaced kernels stay in use for the
 * cases ours do not cover. Idempotent. `initBackend()` calls it; call it yourself only
 * when you select the wasm backend without `initBackend()`.
 *
 * @returns the names of the kernels registered (`WASM_TRAINING_KERNELS`)
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * await registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * ```
 */
export async function registerWasmTrainingKernels(): Promise<string[]> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (cause) {
    throw new BackendError(
      'E_BACKEND_UNAVAILABLE',
      `@none/backend: cannot load @tensorflow/tfjs-backend-wasm (${String(cause)})`,
      { cause },
    );
  }
  registerWasmTrainingKernelsSync();
  registerBatchNormGradient();
  registerReluGradient();
  return [...WASM_TRAINING_KERNELS];
}

/** Registration proper; the wasm backend package must already be loaded. */
export function registerWasmTrainingKernelsSync(): void {
  const state = registrationState();
  const ours = state.ours;
  const original = (name: string): KernelFunc | undefined => {
    if (!state.originals.has(name)) {
      const current = getKernel(name, 'wasm')?.kernelFunc;
      state.originals.set(name, current !== undefined && ours.has(current) ? undefined : current);
    }
    return state.originals.get(name);
  };
  if (getKernel('Conv2D', 'wasm') === undefined) {
    throw new BackendError(
      'E_BACKEND_UNAVAILABLE',
      '@none/backend: the wasm backend kernels are not registered; import @tensorflow/tfjs-backend-wasm first',
    );
  }
  const current = getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc;
  if (current !== undefined && ours.has(current)) return;
  for (const config of makeConfigs(original)) {
    const replaced = getKernel(config.kernelName, 'wasm');
    if (replaced !== undefined) unregisterKernel(config.kernelName, 'wasm');
    // Keep the replaced kernel's setup (it binds the native function our fallback calls).
    registerKernel(
      replaced?.setupFunc === undefined ? config : { ...config, setupFunc: replaced.setupFunc },
    );
    ours.add(config.kernelFunc);
  }
}

/** True when `kernelFunc` is one of ours. */
export function isTrainingKernel(kernelFunc: KernelFunc | undefined): boolean {
  return kernelFunc !== undefined && registrationState().ours.has(kernelFunc);
}
