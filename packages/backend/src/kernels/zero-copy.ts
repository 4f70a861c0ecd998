import {
  Cast,
  Identity,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import type { WasmKernelArgs } from './_wasm';

/** Cast to the tensor's own dtype (ReLU gradients do this) without a copy; other casts use the original kernel. */
export function makeCastConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const { dtype } = args.attrs as { dtype: string };
    if (x.dtype !== dtype || x.dtype === 'string' || x.dtype === 'complex64') {
      if (fallback === undefined)
        throw new BackendError('E_UNSUPPORTED', 'Cast: unsupported configuration on wasm');
      return fallback(args as unknown as Parameters<KernelFunc>[0]);
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: Cast, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** Identity without a copy: the output shares the input's heap memory (reference counted), as on cpu. */
export function makeIdentityConfig(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (args: WasmKernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') {
      if (fallback === undefined)
        throw new BackendError('E_UNSUPPORTED', 'Identity: unsupported dtype on wasm');
      return fallback(args as unknown as Parameters<KernelFunc>[0]);
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return {
    kernelName: Identity,
    backendName: 'wasm',
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
