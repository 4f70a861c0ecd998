import { backend_util, type DataId, type DataType, type TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { SimdPool } from './_parallel';
import { type SimdKernels, simdKernels, type WasmMemory } from './_simd';

/** The parts of the Emscripten module of `@tensorflow/tfjs-backend-wasm` 4.22.0 that the kernels use. */
export interface WasmModule {
  /** The heap (threaded build). */
  wasmMemory?: WasmMemory;
  /** The module's exports; `memory` is the heap (single-threaded build). */
  asm?: { memory?: WasmMemory };
  /** tfjs's bindings; `getThreadsCount` is the XNNPACK threadpool size. */
  tfjs?: { getThreadsCount?: () => number };
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _Conv2D(
    xId: number,
    batchSize: number,
    inputHeight: number,
    inputWidth: number,
    filterId: number,
    filterHeight: number,
    filterWidth: number,
    padTop: number,
    padRight: number,
    padBottom: number,
    padLeft: number,
    isSamePad: number,
    dilationHeight: number,
    dilationWidth: number,
    strideHeight: number,
    strideWidth: number,
    inputChannels: number,
    outputChannels: number,
    outId: number,
  ): void;
  _Transpose(
    xId: number,
    xShapePointer: number,
    xRank: number,
    dtype: number,
    outId: number,
    permPointer: number,
    permLength: number,
  ): void;
  _BatchMatMul(
    aId: number,
    aShapePointer: number,
    aRank: number,
    bId: number,
    bShapePointer: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    outId: number,
  ): void;
}

/** One entry of the wasm backend's `dataIdMap`. */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/** The parts of `BackendWasm` (tfjs-backend-wasm 4.22.0) that the kernels use. */
export interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: {
    get(dataId: DataId): WasmTensorData | undefined;
    has(dataId: DataId): boolean;
  };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
}

/** Arguments a kernel function receives. */
export interface WasmKernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs?: Record<string, unknown>;
}

/** Our SIMD kernels bound to the backend's heap, or `null` where they cannot run. */
export function simd(backend: WasmBackend): SimdKernels | null {
  return simdKernels(backend.wasm.wasmMemory ?? backend.wasm.asm?.memory);
}

// On globalThis, created on first use: one pool (and its helper threads) per wasm heap,
// shared by every copy of this module.
const POOLS_KEY = Symbol.for('@none/backend.simd-pools');

function pools(): WeakMap<WasmMemory, SimdPool | null> {
  const global = globalThis as Record<symbol, WeakMap<WasmMemory, SimdPool | null> | undefined>;
  let map = global[POOLS_KEY];
  if (map === undefined) {
    map = new WeakMap();
    global[POOLS_KEY] = map;
  }
  return map;
}

/**
 * Our SIMD kernels with as many threads as the backend's XNNPACK threadpool (helper threads
 * exist only with the multi-threaded build's shared heap), or `null` without SIMD.
 */
export function simdPool(backend: WasmBackend): SimdPool | null {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (memory === undefined) return null;
  let pool = pools().get(memory);
  if (pool === undefined) {
    const kernels = simdKernels(memory);
    const threads = Math.max(1, backend.wasm.tfjs?.getThreadsCount?.() ?? 1);
    pool = kernels === null ? null : new SimdPool(kernels, memory, threads);
    pools().set(memory, pool);
  }
  return pool;
}

/** The wasm-internal tensor id of a tensor. */
export function tensorId(backend: WasmBackend, tensor: TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) {
    throw new BackendError('E_INTERNAL', '@none/backend: tensor is not on the wasm backend');
  }
  return data.id;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: WasmBackend, tensor: TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) {
    throw new BackendError('E_INTERNAL', '@none/backend: tensor is not on the wasm backend');
  }
  return data.memoryOffset;
}

/**
 * A Float32Array view of a tensor's data on the wasm heap. Take views only after the
 * last allocation of a kernel: the heap can grow, which detaches older views.
 */
export function f32View(backend: WasmBackend, tensor: TensorInfo): Float32Array {
  return new Float32Array(
    backend.wasm.HEAPU8.buffer,
    heapOffset(backend, tensor),
    sizeOf(tensor.shape),
  );
}

/** Number of elements of a tensor of this shape. */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Attributes of Conv2D and its two gradient kernels. */
export interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: backend_util.ExplicitPadding | 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs's convolution geometry for an input and a filter shape under a kernel's attributes. */
export function conv2dInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Conv2DAttrs,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/** Allocates an uninitialised float32 tensor on the wasm heap. */
export function allocate(backend: WasmBackend, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** Releases a temporary tensor made by a kernel. */
export function release(backend: WasmBackend, tensor: TensorInfo): void {
  backend.disposeData(tensor.dataId);
}

/** Writes small int32 arrays to the heap, calls `f` with their pointers, frees them. */
export function withInt32Arrays<T>(
  backend: WasmBackend,
  arrays: readonly (readonly number[])[],
  f: (pointers: number[]) => T,
): T {
  const wasm = backend.wasm;
  let total = 0;
  for (const a of arrays) total += a.length;
  const base = wasm._malloc(Math.max(4, total * 4));
  const pointers: number[] = [];
  let offset = base;
  const heap = new Int32Array(wasm.HEAPU8.buffer);
  for (const a of arrays) {
    pointers.push(offset);
    heap.set(a, offset >> 2);
    offset += a.length * 4;
  }
  try {
    return f(pointers);
  } finally {
    wasm._free(base);
  }
}

/** Transposes a float32 tensor with the wasm backend's native transpose. Caller releases the result. */
export function transposeF32(
  backend: WasmBackend,
  x: TensorInfo,
  perm: readonly number[],
): TensorInfo {
  const outShape = perm.map((p) => x.shape[p] as number);
  const out = allocate(backend, outShape);
  // Drop size-1 dimensions: the native transpose is faster on lower ranks.
  const shape: number[] = [];
  const keptAxes: number[] = [];
  for (let i = 0; i < x.shape.length; i++) {
    if (x.shape[i] !== 1) {
      keptAxes.push(i);
      shape.push(x.shape[i] as number);
    }
  }
  const reducedPerm = perm.filter((p) => x.shape[p] !== 1).map((p) => keptAxes.indexOf(p));
  let identity = true;
  for (let i = 0; i < reducedPerm.length; i++) if (reducedPerm[i] !== i) identity = false;
  if (identity) {
    const dst = f32View(backend, out);
    dst.set(f32View(backend, x));
    return out;
  }
  withInt32Arrays(backend, [shape, reducedPerm], ([shapePointer, permPointer]) => {
    backend.wasm._Transpose(
      tensorId(backend, x),
      shapePointer as number,
      shape.length,
      0,
      tensorId(backend, out),
      permPointer as number,
      reducedPerm.length,
    );
  });
  return out;
}

/** Calls the native XNNPACK convolution (NHWC input, HWIO filter, explicit padding). */
export function conv2dF32(
  backend: WasmBackend,
  x: TensorInfo,
  filter: TensorInfo,
  options: {
    pad: [top: number, right: number, bottom: number, left: number];
    stride?: [number, number];
    dilation?: [number, number];
  },
): TensorInfo {
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [fh, fw, fci, co] = filter.shape as [number, number, number, number];
  if (fci !== ci)
    throw new BackendError(
      'E_INVALID_ARGUMENT',
      `@none/backend: conv2d channel mismatch ${ci} vs ${fci}`,
    );
  const [padTop, padRight, padBottom, padLeft] = options.pad;
  const [sh, sw] = options.stride ?? [1, 1];
  const [dh, dw] = options.dilation ?? [1, 1];
  const oh = Math.floor((h + padTop + padBottom - ((fh - 1) * dh + 1)) / sh) + 1;
  const ow = Math.floor((w + padLeft + padRight - ((fw - 1) * dw + 1)) / sw) + 1;
  const out = allocate(backend, [n, oh, ow, co]);
  backend.wasm._Conv2D(
    tensorId(backend, x),
    n,
    h,
    w,
    tensorId(backend, filter),
    fh,
    fw,
    padTop,
    padRight,
    padBottom,
    padLeft,
    0,
    dh,
    dw,
    sh,
    sw,
    ci,
    co,
    tensorId(backend, out),
  );
  return out;
}

/** Calls the native matMul on rank-3 tensors without transposes: [b, m, k] x [b, k, n]. */
export function matMulF32(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  outShape: number[],
): TensorInfo {
  const out = allocate(backend, outShape);
  withInt32Arrays(backend, [a.shape, b.shape], ([aShape, bShape]) => {
    backend.wasm._BatchMatMul(
      tensorId(backend, a),
      aShape as number,
      a.shape.length,
      tensorId(backend, b),
      bShape as number,
      b.shape.length,
      0,
      0,
      tensorId(backend, out),
    );
  });
  return out;
}

/** A view of tensor data with another shape, sharing the heap memory (the caller releases it). */
export function reshapeView(backend: WasmBackend, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

export type { DataId };
