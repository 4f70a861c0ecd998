import { Conv2D, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { chunksFor, type SimdPool, type SimdTask, splitRange } from './_parallel';
import {
  allocate,
  type Conv2DAttrs,
  conv2dInfo,
  heapOffset,
  release,
  simdPool,
  type WasmBackend,
  type WasmKernelArgs,
} from './_wasm';

/** Explicit padding `[top, right, bottom, left]` and strides `[height, width]`. */
export interface ConvGeometry {
  pad: readonly [number, number, number, number];
  stride: readonly [number, number];
}

/**
 * `x` copied into a zeroed `[N, H + top + bottom, W + left + right, C]` tensor, images split
 * across the SIMD threads (`pad_images`: `memory.fill` and one `memory.copy` per row).
 */
function padded(
  backend: WasmBackend,
  pool: SimdPool,
  x: TensorInfo,
  pad: ConvGeometry['pad'],
): TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [top, right, bottom, left] = pad;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const out = allocate(backend, [n, hp, wp, c]);
  const src = heapOffset(backend, x);
  const dst = heapOffset(backend, out);
  const rowBytes = w * c * 4;
  const dstRow = wp * c * 4;
  const dstImg = hp * dstRow;
  const tasks: SimdTask[] = [];
  for (const [b0, b1] of splitRange(n, chunksFor(pool, n * hp * wp * c))) {
    if (b1 <= b0) continue;
    tasks.push({
      fn: 'pad_images',
      args: [
        src + b0 * h * rowBytes,
        dst + b0 * dstImg,
        b1 - b0,
        h,
        rowBytes,
        h * rowBytes,
        dstImg,
        dstRow,
        top * dstRow + left * c * 4,
      ],
    });
  }
  pool.run([tasks]);
  return out;
}

/**
 * `conv(x, filter)` for NHWC `x` and `[FH, FW, Ci, Co]` `filter` with our SIMD kernel
 * (`conv_fwd`, fused multiply-adds where available), split over images — or, for small
 * batches, over output rows — across the SIMD threads. Returns `undefined` where the kernel
 * does not apply (no SIMD, `Co` not a multiple of 8, negative padding); the caller then uses
 * XNNPACK.
 */
export function conv2dSimd(
  backend: WasmBackend,
  x: TensorInfo,
  filter: TensorInfo,
  { pad, stride }: ConvGeometry,
): TensorInfo | undefined {
  const pool = simdPool(backend);
  if (pool === null || x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [fh, fw, fci, co] = filter.shape as [number, number, number, number];
  const [top, right, bottom, left] = pad;
  const [sh, sw] = stride;
  if (co % 8 !== 0 || fci !== ci || Math.min(top, right, bottom, left) < 0) return undefined;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const oh = Math.floor((hp - fh) / sh) + 1;
  const ow = Math.floor((wp - fw) / sw) + 1;
  if (oh <= 0 || ow <= 0 || n === 0) return undefined;

  const source = top + right + bottom + left === 0 ? x : padded(backend, pool, x, pad);
  const out = allocate(backend, [n, oh, ow, co]);
  const rowBytes = wp * ci * 4;
  const sxImg = hp * rowBytes;
  const syRow = ow * co * 4;
  const syImg = oh * syRow;
  const xBase = heapOffset(backend, source);
  const yBase = heapOffset(backend, out);
  const w0 = heapOffset(backend, filter);
  const task = (b: number, images: number, r0: number, rows: number): SimdTask => ({
    fn: 'conv_fwd',
    args: [
      xBase + b * sxImg + r0 * sh * rowBytes,
      sxImg,
      sh * rowBytes,
      sw * ci * 4,
      rowBytes,
      w0,
      fw * ci * co * 4,
      co * 4,
      fw * ci,
      fh,
      yBase + b * syImg + r0 * syRow,
      syImg,
      syRow,
      images,
      rows,
      ow,
      co,
    ],
  });
  const chunks = chunksFor(pool, (n * oh * ow * fh * fw * ci * co) / 16);
  const tasks: SimdTask[] = [];
  if (n >= chunks) {
    for (const [b0, b1] of splitRange(n, chunks)) if (b1 > b0) tasks.push(task(b0, b1 - b0, 0, oh));
  } else {
    const parts = Math.ceil(chunks / n);
    for (let b = 0; b < n; b++) {
      for (const [r0, r1] of splitRange(oh, parts))
        if (r1 > r0) tasks.push(task(b, 1, r0, r1 - r0));
    }
  }
  pool.run([tasks]);
  if (source !== x) release(backend, source);
  return out;
}

/**
 * Conv2D on wasm through `conv2dSimd` (NHWC, no dilation, Co % 8 == 0); every other case
 * goes to the backend's own XNNPACK kernel.
 */
export function makeConv2dConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const info = conv2dInfo(x.shape, filter.shape, attrs as unknown as Conv2DAttrs);
    if (
      info.dataFormat === 'channelsLast' &&
      info.dilationHeight === 1 &&
      info.dilationWidth === 1
    ) {
      const { top, right, bottom, left } = info.padInfo;
      const out = conv2dSimd(backend, x, filter, {
        pad: [top, right, bottom, left],
        stride: [info.strideHeight, info.strideWidth],
      });
      if (out !== undefined) {
        if (out.shape[1] === info.outHeight && out.shape[2] === info.outWidth) return out;
        release(backend, out);
      }
    }
    if (fallback === undefined)
      throw new BackendError('E_UNSUPPORTED', 'Conv2D: unsupported configuration on wasm');
    return fallback(args as unknown as Parameters<KernelFunc>[0]);
  };
  return {
    kernelName: Conv2D,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
