import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors';

/**
 * The multi-threaded wasm build in Node.
 *
 * tfjs-backend-wasm 4.22.0 ships `tfjs-backend-wasm-threaded-simd.wasm`, whose XNNPACK
 * operators (convolutions, matMul, …) run on a pthreadpool, but never loads it in Node
 * (tensorflow/tfjs#3830): its worker script is handed over as a Blob URL, which Node's
 * worker_threads cannot start, and the threadpool size is capped at
 * `emscripten_num_logical_cores() / 2` (1 on a 2-core machine). Here the Emscripten factory
 * is called directly with the worker script written to a file, `os.cpus()` is widened while
 * the module initialises so the cap becomes `threads`, and the pthread workers are unref'd
 * so they never keep the process alive. The result is registered as the `wasm` backend, so
 * every wasm kernel (tfjs's and ours) applies unchanged.
 */

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenThreadedModule>;

interface NodeWorker {
  unref(): void;
  terminate(): void;
}

interface EmscriptenThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread?: { runningWorkers: NodeWorker[]; unusedWorkers: NodeWorker[] };
  tfjs?: Record<string, unknown>;
}

function localRequire(): NodeRequire {
  // tsup shims `import.meta.url` in the CJS build.
  return createRequire(import.meta.url);
}

function writeWorkerScript(contents: string): string {
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `none-backend-tfjs-wasm-worker-${hash}.cjs`);
  // tfjs escapes newlines the same way before making its Blob.
  if (!existsSync(file)) writeFileSync(file, contents.replace(/\n/g, '\\n'));
  return file;
}

/**
 * Registers the `wasm` backend with the multi-threaded XNNPACK build and `threads`
 * threads. Must run before the `wasm` backend is first initialised (or after removing it).
 */
export function registerThreadedWasmBackend(threads: number): void {
  const req = localRequire();
  const wasmPackage = req('@tensorflow/tfjs-backend-wasm') as {
    BackendWasm: new (module: unknown) => tf.KernelBackend;
    setThreadsCount(count: number): void;
  };
  const dir = path.join(
    path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'wasm-out',
  );
  const mainScript = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const wasmBinary = path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm');
  const { wasmWorkerContents } = req(
    path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as {
    wasmWorkerContents: string;
  };
  const factory = req(mainScript) as Factory;
  const workerScript = writeWorkerScript(wasmWorkerContents);

  replaceWasmFactory(async () => {
    const realCpus = os.cpus;
    // The module reads the core count once, while it initialises.
    os.cpus = () => {
      const cpus = realCpus();
      const first = cpus[0];
      return first === undefined ? cpus : new Array(2 * threads).fill(first);
    };
    let module: EmscriptenThreadedModule;
    try {
      // A worker that never starts would leave setBackend pending forever: time out instead.
      let timer: ReturnType<typeof setTimeout> | undefined;
      module = await Promise.race([
        factory({
          locateFile: (file: string, prefix: string) =>
            file.endsWith('.worker.js')
              ? workerScript
              : file.endsWith('.wasm')
                ? wasmBinary
                : prefix + file,
          mainScriptUrlOrBlob: mainScript,
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new BackendError(
                  'E_BACKEND_UNAVAILABLE',
                  'the multi-threaded wasm module did not start in 60 s',
                ),
              ),
            60_000,
          );
          timer.unref?.();
        }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      os.cpus = realCpus;
    }
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasmPackage.setThreadsCount(threads);
    const backend = new wasmPackage.BackendWasm(module);
    const pthreads = module.PThread;
    if (pthreads !== undefined) {
      // Threadpool threads are parked workers: let the process exit while they wait.
      for (const worker of pthreads.runningWorkers) worker.unref();
      // Emscripten pre-starts 8 workers; the threadpool has taken the ones it needs.
      for (const worker of pthreads.unusedWorkers) worker.terminate();
      pthreads.unusedWorkers.length = 0;
    }
    return backend;
  });
}

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;
let originalFactory: BackendFactory | undefined;

function replaceWasmFactory(factory: BackendFactory): void {
  const current = tf.findBackendFactory('wasm') as BackendFactory | null;
  if (originalFactory === undefined && current !== null) originalFactory = current;
  if (current !== null) tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 2);
}

/** Puts back the single-threaded `wasm` backend factory of tfjs-backend-wasm. */
export function restoreSingleThreadedWasmBackend(): void {
  if (originalFactory !== undefined) replaceWasmFactory(originalFactory);
}
