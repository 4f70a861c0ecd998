import {
  BatchMatMul,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { matMulF32, release, reshapeView, transposeF32, type WasmKernelArgs } from './_wasm';

function size(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/**
 * BatchMatMul with transposeA / transposeB: the transposed operand is first transposed
 * explicitly by the native transpose, then the fast no-transpose XNNPACK path runs. The
 * wasm backend's own transposed paths are 5–10x slower than a transpose plus matMul.
 */
export function batchMatMul(args: WasmKernelArgs, fallback: KernelFunc | undefined): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (!transposeA && !transposeB)) {
    if (fallback === undefined) throw new Error('BatchMatMul: unsupported dtype on wasm');
    return fallback(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const aRows = a.shape[aRank - 2] as number;
  const aCols = a.shape[aRank - 1] as number;
  const bRows = b.shape[bRank - 2] as number;
  const bCols = b.shape[bRank - 1] as number;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kb = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  const outerDims = broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const a3 = reshapeView(backend, a, [batchA, aRows, aCols]);
  const b3 = reshapeView(backend, b, [batchB, bRows, bCols]);
  const aPlain = transposeA ? transposeF32(backend, a3, [0, 2, 1]) : a3;
  const bPlain = transposeB ? transposeF32(backend, b3, [0, 2, 1]) : b3;
  const out = matMulF32(backend, aPlain, bPlain, [Math.max(batchA, batchB), m, n]);
  if (aPlain !== a3) release(backend, aPlain);
  if (bPlain !== b3) release(backend, bPlain);
  release(backend, a3);
  release(backend, b3);
  out.shape = [...outerDims, m, n];
  return out;
}

export function makeBatchMatMulConfig(fallback: KernelFunc | undefined): KernelConfig {
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) => batchMatMul(args, fallback)) as unknown as KernelFunc,
  };
}
