import type { TensorInfo } from '@tensorflow/tfjs-core';
import {
  type backend_util,
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { type SimdPool, type SimdTask, splitRange, threadsFor } from './_parallel';
import {
  allocate,
  type Conv2DAttrs,
  conv2dF32,
  conv2dInfo,
  f32View,
  heapOffset,
  release,
  simd,
  simdPool,
  transposeF32,
  type WasmBackend,
  type WasmKernelArgs,
} from './_wasm';

/**
 * Conv2DBackpropFilter (missing from the wasm backend): the filter gradient
 * `dW[fh,fw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + fh − padTop, ow·s + fw − padLeft, ci] · dy[n,oh,ow,co]`
 * computed as one XNNPACK convolution of `x` transposed to `[Ci, H, W, N]` (batch = Ci,
 * channels = N) with `dy` transposed to `[OH, OW, N, Co]` as the filter, dilation = stride.
 * Its output `[Ci, FH', FW', Co]` is cropped to the filter size and transposed in JS.
 */
export function conv2dBackpropFilter(args: WasmKernelArgs) {
  const { inputs, backend, attrs } = args;
  const x = inputs.x;
  const dy = inputs.dy;
  if (x === undefined || dy === undefined)
    throw new BackendError('E_INTERNAL', 'Conv2DBackpropFilter: missing inputs');
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const info = conv2dInfo(x.shape, filterShape, attrs as unknown as Conv2DAttrs);
  if (info.dataFormat !== 'channelsLast') {
    throw new BackendError(
      'E_UNSUPPORTED',
      "Conv2DBackpropFilter on wasm supports only dataFormat 'NHWC'",
    );
  }
  return simd(backend) === null
    ? conv2dBackpropFilterImpl(backend, x, dy, info)
    : conv2dBackpropFilterSimd(backend, x, dy, info);
}

/**
 * The filter gradient as one outer-product accumulation per filter tap (fh, fw):
 * `dW[fh, fw] += Σ x[n, y·s + fh − padTop, x·s + fw − padLeft, :]ᵀ ⊗ dy[n, y, x, :]` over the
 * rectangle of output positions whose input pixel is inside the image (no padding copies,
 * no transposes, no packing). Output channels beyond the last multiple of 8 run in JS.
 */
export function conv2dBackpropFilterSimd(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const pool = simdPool(backend) as SimdPool;
  const threads = threadsFor(pool, (n * oh * ow * fh * fw * ci * co) / 16);
  const shares: SimdTask[][] = Array.from({ length: threads }, () => []);
  // Few taps (1x1 convolutions): also cut the input channels, so every thread has tasks.
  const channelParts =
    threads === 1
      ? 1
      : Math.max(1, Math.min(Math.floor(ci / 4), Math.ceil((4 * threads) / (fh * fw))));
  const splitChannels = channelParts > 1;
  let callIndex = 0;
  const out = allocate(backend, [fh, fw, ci, co]);
  const xBase = heapOffset(backend, x);
  const dyBase = heapOffset(backend, dy);
  const outBase = heapOffset(backend, out);
  const n8 = co - (co % 8);
  const dwv = f32View(backend, out);
  dwv.fill(0);
  const xv = n8 < co ? f32View(backend, x) : undefined;
  const dyv = n8 < co ? f32View(backend, dy) : undefined;

  /**
   * Queues `dW[r, q .. q+taps−1] += Σ x-pixelᵀ ⊗ dy-pixel` over output rows [y0, y1) and
   * columns [x0, x1). With taps > 1 (single input channel only), the taps of one filter row
   * are the "rows" of the product: consecutive x pixels.
   */
  // Calls that accumulate into the same filter rows (single input channel: a whole filter row,
  // then its border columns) are collected here and run as one task, in order.
  let group: SimdTask[] | undefined;
  const queue = (
    r: number,
    q: number,
    taps: number,
    y0: number,
    y1: number,
    x0: number,
    x1: number,
  ) => {
    if (n8 === 0 || y1 <= y0 || x1 <= x0) return;
    const xStart = ((y0 * sh + r - padTop) * w + (x0 * sw + q - padLeft)) * ci;
    const dyStart = (y0 * ow + x0) * co;
    const tap = (r * fw + q) * ci * co;
    const m = taps > 1 ? taps : ci;
    const ranges =
      splitChannels && taps === 1 ? splitRange(ci, channelParts, 4) : [[0, m] as [number, number]];
    ranges.forEach(([i0, i1], k) => {
      if (i1 <= i0) return;
      const share = (callIndex + k) % threads;
      (group ?? (shares[share] as SimdTask[])).push({
        fn: 'gemm_atb',
        args: [
          xBase + (xStart + i0) * 4,
          h * w * ci * 4,
          sh * w * ci * 4,
          sw * ci * 4,
          dyBase + dyStart * 4,
          oh * ow * co * 4,
          ow * co * 4,
          co * 4,
          n,
          y1 - y0,
          x1 - x0,
          i1 - i0,
          n8,
          outBase + (tap + i0 * co) * 4,
          co * 4,
        ],
      });
    });
    callIndex++;
  };

  for (let r = 0; r < fh; r++) {
    // Output rows y with 0 <= y·sh + r − padTop < h.
    const y0 = Math.max(0, Math.ceil((padTop - r) / sh));
    const y1 = Math.min(oh, Math.floor((h - 1 + padTop - r) / sh) + 1);
    if (y1 <= y0) continue;
    const x0s: number[] = [];
    const x1s: number[] = [];
    for (let q = 0; q < fw; q++) {
      x0s.push(Math.max(0, Math.ceil((padLeft - q) / sw)));
      x1s.push(Math.min(ow, Math.floor((w - 1 + padLeft - q) / sw) + 1));
    }
    // One input channel: the whole filter row at once over the columns valid for every tap,
    // then each tap over its remaining border columns.
    const together = ci === 1 && fw > 1;
    const innerStart = together ? Math.max(...x0s) : 0;
    const innerEnd = together ? Math.min(...x1s) : 0;
    if (together) group = [];
    if (together && innerEnd > innerStart) queue(r, 0, fw, y0, y1, innerStart, innerEnd);
    for (let q = 0; q < fw; q++) {
      const x0 = x0s[q] as number;
      const x1 = x1s[q] as number;
      if (together && innerEnd > innerStart) {
        queue(r, q, 1, y0, y1, x0, Math.min(x1, innerStart));
        queue(r, q, 1, y0, y1, Math.max(x0, innerEnd), x1);
      } else {
        queue(r, q, 1, y0, y1, x0, x1);
      }
      if (xv !== undefined && dyv !== undefined && x1 > x0) {
        const tap = (r * fw + q) * ci * co;
        for (let b = 0; b < n; b++) {
          for (let y = y0; y < y1; y++) {
            for (let xo = x0; xo < x1; xo++) {
              const xp = ((b * h + y * sh + r - padTop) * w + xo * sw + q - padLeft) * ci;
              const dp = ((b * oh + y) * ow + xo) * co;
              for (let i = 0; i < ci; i++) {
                const xi = xv[xp + i] as number;
                const row = tap + i * co;
                for (let j = n8; j < co; j++)
                  dwv[row + j] = (dwv[row + j] as number) + xi * (dyv[dp + j] as number);
              }
            }
          }
        }
      }
    }
    if (group !== undefined) {
      const [first, ...rest] = group;
      if (first !== undefined)
        (shares[r % threads] as SimdTask[]).push({ ...first, followedBy: rest });
      group = undefined;
    }
  }
  pool.run(shares);
  return out;
}

export function conv2dBackpropFilterImpl(
  backend: WasmBackend,
  x: WasmKernelArgs['inputs'][string],
  dy: WasmKernelArgs['inputs'][string],
  info: backend_util.Conv2DInfo,
) {
  const {
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outChannels: co,
    filterHeight: fh,
    filterWidth: fw,
  } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Padding that makes the convolution's output exactly FH x FW; when negative (input rows
  // that no output reads), pad 0 and crop the extra output rows below.
  const padBottom = Math.max(0, fh + (oh - 1) * sh - h - padTop);
  const padRight = Math.max(0, fw + (ow - 1) * sw - w - padLeft);

  const xt = transposeF32(backend, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyt = transposeF32(backend, dy, [1, 2, 0, 3]); // [OH, OW, N, Co]
  const conv = conv2dF32(backend, xt, dyt, {
    pad: [padTop, padRight, padBottom, padLeft],
    dilation: [sh, sw],
  }); // [Ci, FH', FW', Co]
  release(backend, xt);
  release(backend, dyt);
  const convH = conv.shape[1] as number;
  const convW = conv.shape[2] as number;
  const out = allocate(backend, [fh, fw, ci, co]);
  const src = f32View(backend, conv);
  const dst = f32View(backend, out);
  for (let c = 0; c < ci; c++) {
    for (let r = 0; r < fh; r++) {
      for (let q = 0; q < fw; q++) {
        const from = ((c * convH + r) * convW + q) * co;
        dst.set(src.subarray(from, from + co), ((r * fw + q) * ci + c) * co);
      }
    }
  }
  release(backend, conv);
  return out;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
