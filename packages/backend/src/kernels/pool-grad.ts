import {
  AvgPoolGrad,
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { allocate, f32View, heapOffset, simd, type WasmKernelArgs } from './_wasm';

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

/**
 * MaxPoolGrad in JS on heap views: for every pooling window, the gradient goes to the first
 * maximum in row-major window order (the cpu backend's rule), accumulated when windows
 * overlap. The loop runs over channels innermost, so memory is read contiguously.
 */
export function maxPoolGrad(args: WasmKernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const input = inputs.input as TensorInfo;
  const info = poolInfo(input, attrs as unknown as PoolAttrs);
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
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const dx = allocate(backend, input.shape);
  const kernels = simd(backend);
  if (kernels !== null && c % 4 === 0) {
    f32View(backend, dx).fill(0);
    const output = inputs.output as TensorInfo;
    kernels.max_pool_grad(
      heapOffset(backend, input),
      heapOffset(backend, output),
      heapOffset(backend, dy),
      heapOffset(backend, dx),
      n,
      h,
      w,
      c,
      oh,
      ow,
      fh,
      fw,
      sh,
      sw,
      padTop,
      padLeft,
      0,
    );
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
  const info = poolInfo(input, attrs as unknown as PoolAttrs);
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
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const scale = 1 / (info.filterHeight * info.filterWidth);
  const dx = allocate(backend, input.shape);
  const kernels = simd(backend);
  if (kernels !== null && c % 4 === 0) {
    f32View(backend, dx).fill(0);
    kernels.avg_pool_grad(
      0,
      0,
      heapOffset(backend, dy),
      heapOffset(backend, dx),
      n,
      h,
      w,
      c,
      oh,
      ow,
      fh,
      fw,
      sh,
      sw,
      padTop,
      padLeft,
      scale,
    );
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
