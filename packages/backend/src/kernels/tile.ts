import { type KernelConfig, type KernelFunc, type TensorInfo, Tile } from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { heapOffset, type WasmKernelArgs } from './_wasm';

function view(
  args: WasmKernelArgs,
  t: TensorInfo,
  size: number,
): Float32Array | Int32Array | Uint8Array {
  const buffer = args.backend.wasm.HEAPU8.buffer;
  const offset = heapOffset(args.backend, t);
  if (t.dtype === 'float32') return new Float32Array(buffer, offset, size);
  if (t.dtype === 'int32') return new Int32Array(buffer, offset, size);
  return new Uint8Array(buffer, offset, size);
}

/**
 * Tile by block copies: the input goes to the origin block of the output, then each axis,
 * innermost first, is replicated with `copyWithin` in doubling steps. Every output element
 * is written once or twice, instead of computing a source index per element (the wasm
 * backend's kernel; BatchNorm gradients tile [1, 1, 1, C] to the full activation size).
 */
export function makeTileConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const { reps } = args.attrs as { reps: number[] };
    const rank = x.shape.length;
    if (x.dtype === 'string' || x.dtype === 'complex64' || reps.length !== rank || rank === 0) {
      if (fallback === undefined)
        throw new BackendError('E_UNSUPPORTED', 'Tile: unsupported configuration on wasm');
      return fallback(args as unknown as Parameters<KernelFunc>[0]);
    }
    const inShape = x.shape;
    const outShape = inShape.map((d, i) => d * (reps[i] as number));
    const outSize = outShape.reduce((p, q) => p * q, 1);
    const inSize = inShape.reduce((p, q) => p * q, 1);
    const out = args.backend.makeOutput(outShape, x.dtype);
    if (outSize === 0) return out;
    const src = view(args, x, inSize);
    const dst = view(args, out, outSize);
    // outStrides[i] = prod(outShape[i+1:])
    const outStrides = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--)
      outStrides[i] = (outStrides[i + 1] as number) * (outShape[i + 1] as number);
    // Place the input rows (last axis) at the origin block.
    const last = inShape[rank - 1] as number;
    const rows = inSize / last;
    const index = new Array<number>(rank).fill(0);
    for (let r = 0; r < rows; r++) {
      let offset = 0;
      let rest = r;
      for (let i = rank - 2; i >= 0; i--) {
        const d = inShape[i] as number;
        index[i] = rest % d;
        rest = Math.floor(rest / d);
        offset += (index[i] as number) * (outStrides[i] as number);
      }
      dst.set(src.subarray(r * last, (r + 1) * last), offset);
    }
    // Replicate axis d for every prefix inside the origin block of axes < d.
    for (let d = rank - 1; d >= 0; d--) {
      const rep = reps[d] as number;
      if (rep === 1) continue;
      const chunk = (inShape[d] as number) * (outStrides[d] as number);
      let prefixes = 1;
      for (let i = 0; i < d; i++) prefixes *= inShape[i] as number;
      for (let p = 0; p < prefixes; p++) {
        // Offset of prefix p (its index over axes < d, inside the origin block).
        let base = 0;
        let rest = p;
        for (let i = d - 1; i >= 0; i--) {
          const dim = inShape[i] as number;
          base += (rest % dim) * (outStrides[i] as number);
          rest = Math.floor(rest / dim);
        }
        let filled = chunk;
        const total = chunk * rep;
        while (filled < total) {
          const n = Math.min(filled, total - filled);
          dst.copyWithin(base + filled, base, base + n);
          filled += n;
        }
      }
    }
    return out;
  };
  return { kernelName: Tile, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
