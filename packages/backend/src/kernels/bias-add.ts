import { Add, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { splitRange } from './_parallel';
import { allocate, heapOffset, simdPool, type WasmKernelArgs } from './_wasm';

/**
 * Add, with a SIMD fast path for the bias pattern `x[..., C] + bias[C]` (either order,
 * float32, C a multiple of 4) that every conv and dense layer with a bias runs; the wasm
 * backend's broadcasting add takes a generic, index-computing path for it. Every other
 * case uses the backend's own kernel.
 */
export function makeAddConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs): TensorInfo | TensorInfo[] => {
    const { backend } = args;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const pool = simdPool(backend);
    if (pool !== null && a.dtype === 'float32' && b.dtype === 'float32') {
      const [x, bias] = b.shape.length === 1 && a.shape.length > 1 ? [a, b] : [b, a];
      const cols = bias.shape[0] as number;
      if (
        bias.shape.length === 1 &&
        x.shape.length > 1 &&
        x.shape[x.shape.length - 1] === cols &&
        cols % 4 === 0
      ) {
        const out = allocate(backend, [...x.shape]);
        const rows = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
        const [xp, bp, op] = [
          heapOffset(backend, x),
          heapOffset(backend, bias),
          heapOffset(backend, out),
        ];
        pool.run(
          splitRange(rows, pool.threads).map(([r0, r1]) =>
            r1 <= r0
              ? []
              : [
                  {
                    fn: 'bias_add',
                    args: [xp + r0 * cols * 4, bp, op + r0 * cols * 4, r1 - r0, cols],
                  },
                ],
          ),
        );
        return out;
      }
    }
    if (fallback === undefined) throw new Error('Add: unsupported configuration on wasm');
    return fallback(args as unknown as Parameters<KernelFunc>[0]);
  };
  return { kernelName: Add, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
