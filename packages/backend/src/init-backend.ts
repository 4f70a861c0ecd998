import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { registerThreadedWasmBackend, restoreSingleThreadedWasmBackend } from './_threaded-wasm';
import { BackendError } from './errors';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels';

/** Which backend `initBackend` should select. */
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /**
   * `auto`: `@tensorflow/tfjs-node-gpu` when installed and a GPU is visible, else
   * `@tensorflow/tfjs-node`, else wasm with the training kernels, else cpu.
   * `tensorflow`: native TensorFlow only (tfjs-node-gpu or tfjs-node), an error if neither loads.
   * `wasm` / `cpu`: exactly that backend.
   * @default 'auto'
   */
  prefer?: BackendPreference;
  /**
   * Threads for the wasm backend's XNNPACK operators (convolutions, matMul). Above 1, the
   * multi-threaded wasm build is loaded in worker_threads; falls back to 1 thread where it
   * cannot start. Applies when the wasm backend starts; a running wasm backend is kept.
   * Threads only help when cores are idle: on a machine busy with other processes one
   * thread is faster.
   * @default `NONE_WASM_THREADS` when set; else 1 under a test runner (`VITEST` or
   *   `JEST_WORKER_ID` set), whose test files already run in parallel; else the number of
   *   CPU cores (at most 8)
   */
  threads?: number;
}

/** What `initBackend` selected. */
export interface InitBackendResult {
  /** The tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** One human-readable line, e.g. `wasm (XNNPACK + SIMD, 1 thread) with @none/backend training kernels`. */
  description: string;
  /** The npm package that provides the backend. */
  packageName: string;
  /** True when native TensorFlow runs on a GPU. */
  gpu: boolean;
  /** Training kernels registered by `@none/backend` (wasm only; empty otherwise). */
  trainingKernels: string[];
  /** Why faster candidates were skipped under `auto` (empty when the first candidate won). */
  skipped: string[];
}

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const NODE_PACKAGE = '@tensorflow/tfjs-node';

const INSTALL_HELP =
  `Install one of them next to @none/backend: \`npm i ${GPU_PACKAGE}@4.22.0\` ` +
  '(Linux x86-64 only; needs an NVIDIA GPU with the CUDA 11.2 and cuDNN 8.1 libraries on the library path) ' +
  `or \`npm i ${NODE_PACKAGE}@4.22.0\` (native CPU). Their install scripts download libtensorflow, ` +
  'so they need network access to storage.googleapis.com at install time.';

/** True when an NVIDIA GPU looks visible to this process (Linux driver present, not hidden by CUDA_VISIBLE_DEVICES). */
export function gpuVisible(): boolean {
  const devices = process.env.CUDA_VISIBLE_DEVICES;
  if (devices !== undefined && (devices.trim() === '' || devices.trim() === '-1')) return false;
  try {
    return (
      existsSync('/proc/driver/nvidia/gpus') && readdirSync('/proc/driver/nvidia/gpus').length > 0
    );
  } catch {
    return false;
  }
}

async function tryNative(packageName: string): Promise<string | undefined> {
  try {
    // A variable specifier keeps bundlers and TypeScript from requiring the optional peer.
    const specifier = packageName;
    await import(/* @vite-ignore */ specifier);
  } catch (error) {
    const message = String(error);
    return /Cannot find (module|package)|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND|Could not resolve/.test(
      message,
    )
      ? `${packageName} is not installed`
      : `${packageName} failed to load: ${message}`;
  }
  if (!(await tf.setBackend('tensorflow')))
    return `${packageName} loaded but the tensorflow backend did not start`;
  return undefined;
}

async function initTensorflow(skipped: string[]): Promise<InitBackendResult | undefined> {
  const gpu = gpuVisible();
  const order = gpu ? [GPU_PACKAGE, NODE_PACKAGE] : [NODE_PACKAGE, GPU_PACKAGE];
  for (const packageName of order) {
    const reason = await tryNative(packageName);
    if (reason === undefined) {
      const onGpu = packageName === GPU_PACKAGE && gpu;
      return {
        name: 'tensorflow',
        description: `native TensorFlow (${packageName}) on ${onGpu ? 'GPU' : 'CPU'}`,
        packageName,
        gpu: onGpu,
        trainingKernels: [],
        skipped,
      };
    }
    skipped.push(reason);
  }
  return undefined;
}

/**
 * Default wasm threads: `NONE_WASM_THREADS` when set, else 1 under a test runner, else the
 * CPU cores (at most 8).
 */
export function defaultThreads(): number {
  const fromEnvironment = Number(process.env.NONE_WASM_THREADS);
  if (Number.isInteger(fromEnvironment) && fromEnvironment >= 1)
    return Math.min(64, fromEnvironment);
  if (process.env.VITEST !== undefined || process.env.JEST_WORKER_ID !== undefined) return 1;
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cores));
}

async function initWasm(skipped: string[], threads: number): Promise<InitBackendResult> {
  const trainingKernels = await registerWasmTrainingKernels();
  if (tf.findBackend('wasm') === null && threads > 1) {
    let started = false;
    try {
      registerThreadedWasmBackend(threads);
      started = await tf.setBackend('wasm');
    } catch (error) {
      skipped.push(`multi-threaded wasm failed: ${String(error)}`);
    }
    if (!started) {
      skipped.push(`multi-threaded wasm did not start (${threads} threads); using 1 thread`);
      restoreSingleThreadedWasmBackend();
    }
  }
  if (tf.engine().backendName !== 'wasm' && !(await tf.setBackend('wasm'))) {
    throw new BackendError(
      'E_BACKEND_UNAVAILABLE',
      '@none/backend: the wasm backend did not start',
    );
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const actualThreads = wasm.getThreadsCount();
  return {
    name: 'wasm',
    description:
      `wasm (XNNPACK${simd ? ' + SIMD' : ''}, ${actualThreads} thread${actualThreads === 1 ? '' : 's'}) ` +
      'with @none/backend training kernels',
    packageName: '@tensorflow/tfjs-backend-wasm',
    gpu: false,
    trainingKernels,
    skipped,
  };
}

async function initCpu(skipped: string[]): Promise<InitBackendResult> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) {
    throw new BackendError('E_BACKEND_UNAVAILABLE', '@none/backend: the cpu backend did not start');
  }
  return {
    name: 'cpu',
    description: 'cpu (pure JavaScript; slow, use for small numeric checks)',
    packageName: '@tensorflow/tfjs-backend-cpu',
    gpu: false,
    trainingKernels: [],
    skipped,
  };
}

/**
 * Selects the fastest TensorFlow.js backend available and makes it the active one:
 * `@tensorflow/tfjs-node-gpu` (when installed and a GPU is visible) > `@tensorflow/tfjs-node`
 * > wasm with `@none/backend`'s training kernels > cpu. The native packages are optional
 * peers, loaded only here. Nothing is registered before this is called.
 *
 * @param options `prefer` forces one backend (`InitBackendOptions`)
 * @returns the backend selected (`InitBackendResult`)
 * @throws BackendError `E_BACKEND_UNAVAILABLE` when the preferred backend cannot load (for
 *   `tensorflow`, the message says how to install it); `E_INVALID_ARGUMENT` for an unknown `prefer`
 * @example
 * ```ts
 * import { initBackend } from '@none/backend';
 * const backend = await initBackend();
 * console.log(backend.description);
 * // wasm (XNNPACK + SIMD, 1 thread) with @none/backend training kernels
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<InitBackendResult> {
  const { prefer = 'auto', threads = defaultThreads() } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new BackendError(
      'E_INVALID_ARGUMENT',
      `initBackend: threads must be an integer in [1, 64], got ${threads}`,
    );
  }
  const skipped: string[] = [];
  switch (prefer) {
    case 'tensorflow': {
      const result = await initTensorflow(skipped);
      if (result !== undefined) return result;
      throw new BackendError(
        'E_BACKEND_UNAVAILABLE',
        `@none/backend: native TensorFlow is not available (${skipped.join('; ')}). ${INSTALL_HELP}`,
      );
    }
    case 'wasm':
      return initWasm(skipped, threads);
    case 'cpu':
      return initCpu(skipped);
    case 'auto': {
      const native = await initTensorflow(skipped);
      if (native !== undefined) return native;
      try {
        return await initWasm(skipped, threads);
      } catch (error) {
        skipped.push(`wasm failed: ${String(error)}`);
        return initCpu(skipped);
      }
    }
    default:
      throw new BackendError(
        'E_INVALID_ARGUMENT',
        `initBackend: prefer must be 'auto', 'tensorflow', 'wasm' or 'cpu', got ${JSON.stringify(prefer)}`,
      );
  }
}
