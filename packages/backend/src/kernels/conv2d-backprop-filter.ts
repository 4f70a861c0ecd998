import {
  backend_util,
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import {
  allocate,
  conv2dF32,
  f32View,
  release,
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
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter: missing inputs');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: backend_util.ExplicitPadding | 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error("Conv2DBackpropFilter on wasm supports only dataFormat 'NHWC'");
  }
  return conv2dBackpropFilterImpl(backend, x, dy, info);
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
  const n = x.shape[0] as number;

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
  void n;
  return out;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
