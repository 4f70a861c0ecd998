import {
  Add,
  type KernelConfig,
  type KernelFunc,
  Multiply,
  Sub,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { chunksFor, runElementwise, type SimdTask, splitRange } from './_parallel';
import { allocate, heapOffset, simdPool, sizeOf, type WasmKernelArgs } from './_wasm';

type Kind = 'add' | 'sub' | 'mul';

/** True when `v` holds one value per channel of `x`: shape [C] or [1, …, 1, C]. */
function isChannelVector(v: TensorInfo, x: TensorInfo): boolean {
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || v.shape.length > x.shape.length || c === undefined) return false;
  if (v.shape[v.shape.length - 1] !== c) return false;
  for (let i = 0; i < v.shape.length - 1; i++) if (v.shape[i] !== 1) return false;
  return sizeOf(x.shape) > c;
}

/**
 * Add, Sub and Multiply with SIMD fast paths for the two patterns training runs most:
 * same-shape tensors, and a tensor with a per-channel vector (`x[..., C] ∘ v[C]`: biases,
 * BatchNorm scales and shifts, in either operand order). Float32 with sizes (channels) a
 * multiple of 4; every other case uses the backend's own kernel. The wasm backend's
 * broadcasting path computes source indices per element and is 5–10x slower.
 */
function makeBinaryConfig(
  kernelName: string,
  kind: Kind,
  fallback: KernelFunc | undefined,
): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs): TensorInfo | TensorInfo[] => {
    const { backend } = args;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const pool = simdPool(backend);
    if (pool !== null && a.dtype === 'float32' && b.dtype === 'float32') {
      const sameShape =
        a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
      if (sameShape && sizeOf(a.shape) % 4 === 0 && sizeOf(a.shape) > 0) {
        const n = sizeOf(a.shape);
        const out = allocate(backend, [...a.shape]);
        const [ap, bp, op] = [
          heapOffset(backend, a),
          heapOffset(backend, b),
          heapOffset(backend, out),
        ];
        runElementwise(pool, n, (o, bytes) => ({
          fn: `same_${kind}`,
          args: [ap + o, bp + o, op + o, bytes],
        }));
        return out;
      }
      const vectorIsB = isChannelVector(b, a);
      const vectorIsA = !vectorIsB && isChannelVector(a, b);
      if (vectorIsA || vectorIsB) {
        const [x, v] = vectorIsB ? [a, b] : [b, a];
        const cols = x.shape[x.shape.length - 1] as number;
        if (cols % 4 === 0) {
          const fn = kind === 'sub' && vectorIsA ? 'channel_rsub' : (`channel_${kind}` as const);
          const out = allocate(backend, [...x.shape]);
          const rows = sizeOf(x.shape) / cols;
          const [xp, vp, op] = [
            heapOffset(backend, x),
            heapOffset(backend, v),
            heapOffset(backend, out),
          ];
          pool.run(
            splitRange(rows, chunksFor(pool, rows * cols)).map(([r0, r1]): SimdTask[] =>
              r1 <= r0
                ? []
                : [{ fn, args: [xp + r0 * cols * 4, vp, op + r0 * cols * 4, r1 - r0, cols] }],
            ),
          );
          return out;
        }
      }
    }
    if (fallback === undefined)
      throw new BackendError('E_UNSUPPORTED', `${kernelName}: unsupported configuration on wasm`);
    return fallback(args as unknown as Parameters<KernelFunc>[0]);
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function makeAddConfig(fallback: KernelFunc | undefined): KernelConfig {
  return makeBinaryConfig(Add, 'add', fallback);
}

export function makeSubConfig(fallback: KernelFunc | undefined): KernelConfig {
  return makeBinaryConfig(Sub, 'sub', fallback);
}

export function makeMultiplyConfig(fallback: KernelFunc | undefined): KernelConfig {
  return makeBinaryConfig(Multiply, 'mul', fallback);
}
