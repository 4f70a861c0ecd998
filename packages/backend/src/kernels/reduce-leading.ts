import {
  type KernelConfig,
  type KernelFunc,
  Mean,
  Sum,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { chunksFor, type SimdTask, splitRange } from './_parallel';
import { allocate, f32View, heapOffset, release, simdPool, type WasmKernelArgs } from './_wasm';

/** Number of leading axes `axis` names, when it is exactly `0..k-1` with `0 < k < rank`; else 0. */
function leadingAxesCount(axis: number | number[], rank: number): number {
  const axes = util.parseAxisParam(axis, new Array(rank).fill(1)).sort((p, q) => p - q);
  for (let i = 0; i < axes.length; i++) if (axes[i] !== i) return 0;
  return axes.length < rank ? axes.length : 0;
}

/**
 * Sum (or mean) of a float32 tensor over its leading axes, e.g. a bias gradient: reads the
 * input once, row by row, accumulating into float64. The native kernel transposes the
 * input first to reduce innermost axes.
 */
function reduceLeading(
  args: WasmKernelArgs,
  mean: boolean,
  fallback: KernelFunc | undefined,
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  const k = x.dtype === 'float32' ? leadingAxesCount(axis, x.shape.length) : 0;
  if (k === 0 || util.sizeFromShape(x.shape) === 0) {
    if (fallback === undefined)
      throw new BackendError('E_UNSUPPORTED', 'Sum/Mean: unsupported configuration on wasm');
    return fallback(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  const rows = util.sizeFromShape(x.shape.slice(0, k));
  const outShape = x.shape.slice(k);
  const cols = util.sizeFromShape(outShape);
  const out = allocate(backend, keepDims ? [...new Array(k).fill(1), ...outShape] : outShape);
  const pool = simdPool(backend);
  if (pool !== null && cols % 4 === 0) {
    // SIMD column sums of blocks of rows (bounding float32 rounding growth), one partial
    // sum per block, added in float64.
    const rowsPerBlock = 256;
    const blocks = Math.ceil(rows / rowsPerBlock);
    const partial = allocate(backend, [blocks, cols]);
    f32View(backend, partial).fill(0);
    const partialOffset = heapOffset(backend, partial);
    const xOffset = heapOffset(backend, x);
    pool.run(
      splitRange(blocks, chunksFor(pool, rows * cols)).map(([k0, k1]): SimdTask[] =>
        k1 <= k0
          ? []
          : [
              {
                fn: 'col_sums',
                args: [
                  xOffset + k0 * rowsPerBlock * cols * 4,
                  Math.min(k1 * rowsPerBlock, rows) - k0 * rowsPerBlock,
                  cols,
                  partialOffset + k0 * cols * 4,
                  rowsPerBlock,
                ],
              },
            ],
      ),
    );
    const acc = new Float64Array(cols);
    const pv = f32View(backend, partial);
    for (let k = 0; k < blocks; k++) {
      for (let c = 0; c < cols; c++) acc[c] = (acc[c] as number) + (pv[k * cols + c] as number);
    }
    const ov = f32View(backend, out);
    release(backend, partial);
    const scale = mean ? 1 / rows : 1;
    for (let c = 0; c < cols; c++) ov[c] = (acc[c] as number) * scale;
    return out;
  }
  const xv = f32View(backend, x);
  const ov = f32View(backend, out);
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc[c] = (acc[c] as number) + (xv[base + c] as number);
  }
  const scale = mean ? 1 / rows : 1;
  for (let c = 0; c < cols; c++) ov[c] = (acc[c] as number) * scale;
  return out;
}

export function makeSumConfig(fallback: KernelFunc | undefined): KernelConfig {
  return {
    kernelName: Sum,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) =>
      reduceLeading(args, false, fallback)) as unknown as KernelFunc,
  };
}

export function makeMeanConfig(fallback: KernelFunc | undefined): KernelConfig {
  return {
    kernelName: Mean,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) =>
      reduceLeading(args, true, fallback)) as unknown as KernelFunc,
  };
}
