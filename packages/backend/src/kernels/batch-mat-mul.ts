import {
  BatchMatMul,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { chunksFor, type SimdPool, type SimdTask, splitRange } from './_parallel';
import {
  allocate,
  f32View,
  heapOffset,
  matMulF32,
  release,
  reshapeView,
  simdPool,
  sizeOf,
  transposeF32,
  type WasmKernelArgs,
} from './_wasm';

/** Per-batch sizes of a matMul (`[m, k] · [k, n]`) and the two operands' batch counts. */
interface MatMulDims {
  batchA: number;
  batchB: number;
  k: number;
  m: number;
  n: number;
}

/**
 * BatchMatMul on wasm. `aᵀ · b` runs in place on the SIMD outer-product kernel
 * (`gemm_atb`); `a · b` — after an explicit native transpose of `b` for transposeB — runs on
 * the SIMD convolution kernel as a 1x1 convolution (`conv_fwd`: rows of `a` are pixels), when
 * `n` is a multiple of 8. Other cases transpose explicitly and use XNNPACK's no-transpose
 * matMul; the wasm backend's own transposed paths are 5–10x slower than a transpose plus
 * matMul.
 */
export function batchMatMul(args: WasmKernelArgs, fallback: KernelFunc | undefined): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const pool = simdPool(backend);
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    (!transposeA && !transposeB && pool === null)
  ) {
    if (fallback === undefined)
      throw new BackendError('E_UNSUPPORTED', 'BatchMatMul: unsupported dtype on wasm');
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
    throw new BackendError(
      'E_INVALID_ARGUMENT',
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const outerDims = broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  if (transposeA && !transposeB && pool !== null && n >= 8) {
    return matMulTransposeA(backend, pool, a, b, { batchA, batchB, k, m, n }, [...outerDims, m, n]);
  }
  const a3 = reshapeView(backend, a, [batchA, aRows, aCols]);
  const b3 = reshapeView(backend, b, [batchB, bRows, bCols]);
  const aPlain = transposeA ? transposeF32(backend, a3, [0, 2, 1]) : a3;
  const bPlain = transposeB ? transposeF32(backend, b3, [0, 2, 1]) : b3;
  const dims = { batchA, batchB, k, m, n };
  const out =
    pool !== null && n % 8 === 0
      ? matMulSimd(backend, pool, aPlain, bPlain, dims, [Math.max(batchA, batchB), m, n])
      : matMulF32(backend, aPlain, bPlain, [Math.max(batchA, batchB), m, n]);
  if (aPlain !== a3) release(backend, aPlain);
  if (bPlain !== b3) release(backend, bPlain);
  release(backend, a3);
  release(backend, b3);
  out.shape = [...outerDims, m, n];
  return out;
}

/**
 * `a · b` (a: [m, k], b: [k, n] per batch, n % 8 == 0) as `conv_fwd` over one "image row"
 * of m pixels with k channels and a 1x1 filter `b`; rows are split across the SIMD threads.
 */
function matMulSimd(
  backend: WasmKernelArgs['backend'],
  pool: SimdPool,
  a: TensorInfo,
  b: TensorInfo,
  dims: MatMulDims,
  outShape: number[],
): TensorInfo {
  const { batchA, batchB, k, m, n } = dims;
  const batch = Math.max(batchA, batchB);
  const out = allocate(backend, outShape);
  const aBase = heapOffset(backend, a);
  const bBase = heapOffset(backend, b);
  const outBase = heapOffset(backend, out);
  const tasks: SimdTask[] = [];
  const ranges = splitRange(m, chunksFor(pool, (batch * k * m * n) / 16), 4);
  for (let t = 0; t < batch; t++) {
    const aOff = (batchA === 1 ? 0 : t) * m * k;
    const bOff = (batchB === 1 ? 0 : t) * k * n;
    for (const [i0, i1] of ranges) {
      if (i1 <= i0) continue;
      // x, sxImg, sxOutRow, sxPix, sxTapRow, w, swTapRow, co4, kLen, fh,
      // y, syImg, syRow, nImg, oh, ow, n8
      tasks.push({
        fn: 'conv_fwd',
        args: [
          aBase + (aOff + i0 * k) * 4,
          0,
          0,
          k * 4,
          0,
          bBase + bOff * 4,
          0,
          n * 4,
          k,
          1,
          outBase + (t * m + i0) * n * 4,
          0,
          0,
          1,
          1,
          i1 - i0,
          n,
        ],
      });
    }
  }
  pool.run([tasks]);
  return out;
}

/** `aᵀ · b` (a: [k, m], b: [k, n] per batch) with the SIMD outer-product kernel, in place. */
function matMulTransposeA(
  backend: WasmKernelArgs['backend'],
  pool: SimdPool,
  a: TensorInfo,
  b: TensorInfo,
  dims: MatMulDims,
  outShape: number[],
): TensorInfo {
  const { batchA, batchB, k, m, n } = dims;
  const batch = Math.max(batchA, batchB);
  const out = allocate(backend, outShape);
  const ov = f32View(backend, out);
  ov.fill(0);
  const n8 = n - (n % 8);
  const aBase = heapOffset(backend, a);
  const bBase = heapOffset(backend, b);
  const outBase = heapOffset(backend, out);
  const av = n8 < n ? f32View(backend, a) : undefined;
  const bv = n8 < n ? f32View(backend, b) : undefined;
  const tasks: SimdTask[] = [];
  const ranges = splitRange(m, chunksFor(pool, (batch * k * m * n) / 16), 4);
  for (let t = 0; t < batch; t++) {
    const aOff = (batchA === 1 ? 0 : t) * k * m;
    const bOff = (batchB === 1 ? 0 : t) * k * n;
    const oOff = t * m * n;
    ranges.forEach(([i0, i1]) => {
      if (i1 <= i0 || n8 === 0) return;
      tasks.push({
        fn: 'gemm_atb',
        args: [
          aBase + (aOff + i0) * 4,
          0,
          0,
          m * 4,
          bBase + bOff * 4,
          0,
          0,
          n * 4,
          1,
          1,
          k,
          i1 - i0,
          n8,
          outBase + (oOff + i0 * n) * 4,
          n * 4,
        ],
      });
    });
    if (av !== undefined && bv !== undefined) {
      for (let r = 0; r < k; r++) {
        for (let i = 0; i < m; i++) {
          const ai = av[aOff + r * m + i] as number;
          for (let j = n8; j < n; j++) {
            ov[oOff + i * n + j] =
              (ov[oOff + i * n + j] as number) + ai * (bv[bOff + r * n + j] as number);
          }
        }
      }
    }
  }
  pool.run([tasks]);
  return out;
}

export function makeBatchMatMulConfig(fallback: KernelFunc | undefined): KernelConfig {
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) => batchMatMul(args, fallback)) as unknown as KernelFunc,
  };
}
