import { type KernelConfig, type KernelFunc, Relu, type TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { runElementwise } from './_parallel';
import { allocate, heapOffset, simdPool, sizeOf, type WasmKernelArgs } from './_wasm';

/** The fused ReLU gradient `x > 0 ? dy : 0` (inputs `dy`, `x`), registered for wasm. */
export const RELU_GRAD = 'NoneReluGrad';

/**
 * Relu on the SIMD threads (`f32x4.max(0, x)`, the cpu backend's `Math.max(0, x)`) for
 * float32 tensors whose size is a multiple of 4; other cases use the backend's kernel.
 */
export function makeReluConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs): TensorInfo => {
    const { backend } = args;
    const x = args.inputs.x as TensorInfo;
    const pool = simdPool(backend);
    const n = sizeOf(x.shape);
    if (pool !== null && x.dtype === 'float32' && n % 4 === 0 && n > 0) {
      const out = allocate(backend, [...x.shape]);
      const [xp, op] = [heapOffset(backend, x), heapOffset(backend, out)];
      runElementwise(pool, n, (o, bytes) => ({ fn: 'relu', args: [xp + o, op + o, bytes] }));
      return out;
    }
    if (fallback === undefined)
      throw new BackendError('E_UNSUPPORTED', 'Relu: unsupported configuration on wasm');
    return fallback(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  };
  return { kernelName: Relu, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/**
 * `NoneReluGrad`: `x > 0 ? dy : 0` in one pass (NaN where x is NaN) instead of tfjs's
 * `dy · cast(step(x))` (three kernels, two of them single-threaded). Float32, same shapes,
 * size a multiple of 4; the gradient (`registerReluGradient`) checks that before calling it.
 */
export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: WasmKernelArgs): TensorInfo => {
    const { backend } = args;
    const dy = args.inputs.dy as TensorInfo;
    const x = args.inputs.x as TensorInfo;
    const pool = simdPool(backend);
    if (pool === null)
      throw new BackendError('E_UNSUPPORTED', `${RELU_GRAD}: needs WebAssembly SIMD`);
    const out = allocate(backend, [...x.shape]);
    const [dp, xp, op] = [
      heapOffset(backend, dy),
      heapOffset(backend, x),
      heapOffset(backend, out),
    ];
    runElementwise(pool, sizeOf(x.shape), (o, bytes) => ({
      fn: 'relu_grad',
      args: [dp + o, xp + o, op + o, bytes],
    }));
    return out;
  }) as unknown as KernelFunc,
};
