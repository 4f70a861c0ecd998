import {
  AvgPoolGrad,
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { chunksFor, type SimdPool, splitRange } from './_parallel';
import { allocate, f32View, heapOffset, simdPool, type WasmKernelArgs } from './_wasm';

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function poolInfo(input: TensorInfo, attrs: PoolAttrs): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/** Runs a SIMD pooling gradient with the batch split across the pool's threads. */
/** The pooling geometry under the short names the loops use. */
function poolGeometry(input: TensorInfo, attrs: PoolAttrs) {
  const info = poolInfo(input, attrs);
  return {
    info,
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    fh: info.effectiveFilterHeight,
    fw: info.effectiveFilterWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function runPoolGrad(
  pool: SimdPool,
  fn: 'max_pool_grad' | 'max_tiling_pool_grad' | 'avg_pool_grad',
  pointers: number[],
  info: backend_util.Conv2DInfo,
  scale: number,
): void {
  const {
    batchSize: n,
    inHeight: h,
    inWidth: w,
    inChannels: c,
    outHeight: oh,
    outWidth: ow,
  } = info;
  const {
    strideHeight: sh,
    strideWidth: sw,
    effectiveFilterHeight: fh,
    effectiveFilterWidth: fw,
  } = info;
  const [x, y, dy, dx] = pointers as [number, number, number, number];
  const inImage = h * w * c * 4;
  const outImage = oh * ow * c * 4;
  pool.run(
    splitRange(n, chunksFor(pool, n * h * w * c)).map(([b0, b1]) =>
      b1 <= b0
        ? []
        : [
            {
              fn,
              args: [
                x === 0 ? 0 : x + b0 * inImage,
                y === 0 ? 0 : y + b0 * outImage,
                dy + b0 * outImage,
                dx + b0 * inImage,
                b1 - b0,
                h,
                w,
                c,
                oh,
                ow,
                fh,
                fw,
                sh,
                sw,
                info.padInfo.top,
                info.padInfo.left,
                scale,
              ],
            },
          ],
    ),
  );
}

/**
 * MaxPoolGrad in JS on heap views: for every pooling window, the gradient goes to the first
 * maximum in row-major window order (the cpu backend's rule), accumulated when windows
 * overlap. The loop runs over channels innermost, so memory is read contiguously.
 */
export function maxPoolGrad(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const input = inputs.input as TensorInfo;
  const { info, n, h, w, c, oh, ow, sh, sw, fh, fw, padTop, padLeft } = poolGeometry(
    input,
    attrs as unknown as PoolAttrs,
  );
  const dx = allocate(backend, input.shape);
  const pool = simdPool(backend);
  if (pool !== null && c % 4 === 0) {
    // Windows that tile the input exactly write every dx element once: no zero-fill.
    const tiling =
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      sh === fh &&
      sw === fw &&
      oh * sh === h &&
      ow * sw === w;
    if (!tiling) f32View(backend, dx).fill(0);
    const output = inputs.output as TensorInfo;
    const pointers = [input, output, dy, dx].map((t) => heapOffset(backend, t));
    runPoolGrad(pool, tiling ? 'max_tiling_pool_grad' : 'max_pool_grad', pointers, info, 0);
    return dx;
  }
  const xv = f32View(backend, input);
  const dyv = f32View(backend, dy);
  const dxv = f32View(backend, dx);
  dxv.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const r0 = y * sh - padTop;
      const rStart = Math.max(0, r0);
      const rEnd = Math.min(h, r0 + fh);
      for (let x = 0; x < ow; x++) {
        const c0 = x * sw - padLeft;
        const cStart = Math.max(0, c0);
        const cEnd = Math.min(w, c0 + fw);
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let r = rStart; r < rEnd; r++) {
          for (let q = cStart; q < cEnd; q++) {
            const base = ((b * h + r) * w + q) * c;
            for (let k = 0; k < c; k++) {
              const v = xv[base + k] as number;
              if (v > (best[k] as number)) {
                best[k] = v;
                where[k] = base + k;
              }
            }
          }
        }
        const dyBase = ((b * oh + y) * ow + x) * c;
        for (let k = 0; k < c; k++) {
          const at = where[k] as number;
          if (at >= 0) dxv[at] = (dxv[at] as number) + (dyv[dyBase + k] as number);
        }
      }
    }
  }
  return dx;
}

/**
 * AvgPoolGrad in JS on heap views. Matches the cpu backend exactly, including its choice
 * to divide by the full window size `filterHeight · filterWidth` (also at padded borders).
 */
export function avgPoolGrad(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const input = inputs.input as TensorInfo;
  const { info, n, h, w, c, oh, ow, sh, sw, fh, fw, padTop, padLeft } = poolGeometry(
    input,
    attrs as unknown as PoolAttrs,
  );
  const scale = 1 / (info.filterHeight * info.filterWidth);
  const dx = allocate(backend, input.shape);
  const pool = simdPool(backend);
  if (pool !== null && c % 4 === 0) {
    f32View(backend, dx).fill(0);
    const pointers = [0, 0, heapOffset(backend, dy), heapOffset(backend, dx)];
    runPoolGrad(pool, 'avg_pool_grad', pointers, info, scale);
    return dx;
  }
  const dyv = f32View(backend, dy);
  const dxv = f32View(backend, dx);
  dxv.fill(0);
  const g = new Float32Array(c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const r0 = y * sh - padTop;
      const rStart = Math.max(0, r0);
      const rEnd = Math.min(h, r0 + fh);
      for (let x = 0; x < ow; x++) {
        const c0 = x * sw - padLeft;
        const cStart = Math.max(0, c0);
        const cEnd = Math.min(w, c0 + fw);
        const dyBase = ((b * oh + y) * ow + x) * c;
        for (let k = 0; k < c; k++) g[k] = (dyv[dyBase + k] as number) * scale;
        for (let r = rStart; r < rEnd; r++) {
          for (let q = cStart; q < cEnd; q++) {
            const base = ((b * h + r) * w + q) * c;
            for (let k = 0; k < c; k++)
              dxv[base + k] = (dxv[base + k] as number) + (g[k] as number);
          }
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};

export const avgPoolGradConfig: KernelConfig = {
  kernelName: AvgPoolGrad,
  backendName: 'wasm',
  kernelFunc: avgPoolGrad as unknown as KernelFunc,
};
