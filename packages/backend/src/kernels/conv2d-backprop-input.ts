import {
  type backend_util,
  Conv2DBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import {
  allocate,
  type Conv2DAttrs,
  conv2dF32,
  conv2dInfo,
  f32View,
  release,
  type WasmBackend,
  type WasmKernelArgs,
} from './_wasm';
import { conv2dSimd } from './conv2d';

/** One phase of a strided transposed convolution: the output rows `h ≡ r (mod s)`. */
interface Phase {
  rowPhase: number;
  colPhase: number;
  /** Sub-filter size. */
  kh: number;
  kw: number;
  /** First phase index j (output row r + s·j − padTop). */
  j0h: number;
  j0w: number;
  /** Phase output size. */
  jh: number;
  jw: number;
  pad: [number, number, number, number];
}

function planPhases(info: backend_util.Conv2DInfo): Phase[] | undefined {
  const {
    inHeight: h,
    inWidth: w,
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const phases: Phase[] = [];
  for (let rh = 0; rh < sh; rh++) {
    const kh = rh < fh ? Math.ceil((fh - rh) / sh) : 0;
    const j0h = Math.ceil((padTop - rh) / sh);
    const j1h = Math.floor((h - 1 + padTop - rh) / sh);
    const jh = j1h - j0h + 1;
    for (let rw = 0; rw < sw; rw++) {
      const kw = rw < fw ? Math.ceil((fw - rw) / sw) : 0;
      const j0w = Math.ceil((padLeft - rw) / sw);
      const j1w = Math.floor((w - 1 + padLeft - rw) / sw);
      const jw = j1w - j0w + 1;
      if (jh <= 0 || jw <= 0 || kh === 0 || kw === 0) continue;
      const pt = kh - 1 - j0h;
      const pl = kw - 1 - j0w;
      const pb = jh - oh - pt + kh - 1;
      const pr = jw - ow - pl + kw - 1;
      if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return undefined;
      phases.push({ rowPhase: rh, colPhase: rw, kh, kw, j0h, j0w, jh, jw, pad: [pt, pr, pb, pl] });
    }
  }
  return phases;
}

/**
 * Conv2DBackpropInput as convolutions (our SIMD kernel, `conv2dSimd`, when the input has a
 * multiple of 8 channels; else XNNPACK). For stride s the input rows split into s·s
 * phases (`h + padTop ≡ r (mod s)`); each phase is a stride-1 convolution of the padded
 * `dy` with a spatially flipped, channel-swapped sub-filter holding the taps
 * `r, r + s, r + 2s, …`, so no zeros are inserted and no multiply is wasted. For stride 1
 * this is a single convolution whose output is `dx`. Returns `undefined` for paddings the
 * plan does not cover (the caller then uses the original kernel).
 */
export function conv2dBackpropInputImpl(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const phases = planPhases(info);
  if (phases === undefined) return undefined;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const single = sh === 1 && sw === 1 && phases.length === 1;
  const dx = single ? undefined : allocate(backend, [n, h, w, ci]);
  if (dx !== undefined && phases.length < sh * sw) f32View(backend, dx).fill(0);
  for (const phase of phases) {
    const { rowPhase: rh, colPhase: rw, kh, kw } = phase;
    // Sub-filter F[a, b, o, i] = W[rh + sh·(kh−1−a), rw + sw·(kw−1−b), i, o].
    const sub = allocate(backend, [kh, kw, co, ci]);
    const wv = f32View(backend, filter);
    const fv = f32View(backend, sub);
    for (let a = 0; a < kh; a++) {
      const r = rh + sh * (kh - 1 - a);
      for (let b = 0; b < kw; b++) {
        const q = rw + sw * (kw - 1 - b);
        const src = (r * fw + q) * ci * co;
        const dst = (a * kw + b) * co * ci;
        for (let i = 0; i < ci; i++) {
          for (let o = 0; o < co; o++) fv[dst + o * ci + i] = wv[src + i * co + o] as number;
        }
      }
    }
    const part =
      conv2dSimd(backend, dy, sub, { pad: phase.pad, stride: [1, 1] }) ??
      conv2dF32(backend, dy, sub, { pad: phase.pad });
    release(backend, sub);
    if (dx === undefined) {
      part.shape = [n, h, w, ci];
      return part;
    }
    // Scatter the phase into dx rows rh + sh·j − padTop, columns rw + sw·j − padLeft.
    const pv = f32View(backend, part);
    const xv = f32View(backend, dx);
    const { jh, jw, j0h, j0w } = phase;
    for (let b = 0; b < n; b++) {
      for (let jy = 0; jy < jh; jy++) {
        const y = rh + sh * (jy + j0h) - padTop;
        for (let jx = 0; jx < jw; jx++) {
          const x = rw + sw * (jx + j0w) - padLeft;
          let src = ((b * jh + jy) * jw + jx) * ci;
          let dst = ((b * h + y) * w + x) * ci;
          for (let c = 0; c < ci; c++) xv[dst++] = pv[src++] as number;
        }
      }
    }
    release(backend, part);
  }
  return dx;
}

export function makeConv2dBackpropInputConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs) => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const { inputShape } = attrs as unknown as { inputShape: [number, number, number, number] };
    const info = conv2dInfo(inputShape, filter.shape, attrs as unknown as Conv2DAttrs);
    const out =
      info.dataFormat === 'channelsLast'
        ? conv2dBackpropInputImpl(backend, dy, filter, info)
        : undefined;
    if (out !== undefined) return out;
    if (fallback === undefined)
      throw new BackendError(
        'E_UNSUPPORTED',
        'Conv2DBackpropInput: unsupported configuration on wasm',
      );
    return fallback(args as unknown as Parameters<KernelFunc>[0]);
  };
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
