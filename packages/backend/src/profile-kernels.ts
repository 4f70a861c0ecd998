import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import { isTrainingKernel } from './register-wasm-training-kernels';

/** Calls and time of one kernel in `profileKernels`. */
export interface KernelProfileEntry {
  /** Kernel name, e.g. `Conv2DBackpropFilter`. */
  name: string;
  /** Number of calls. */
  calls: number;
  /** Total kernel time in milliseconds (synchronous time on wasm and cpu). */
  milliseconds: number;
  /** True when the kernel is one of `@none/backend`'s training kernels. */
  custom: boolean;
  /** Input shapes of the first call. */
  inputShapes: number[][];
}

/** Result of `profileKernels`. */
export interface ProfileKernelsResult {
  /** Kernels sorted by total time, slowest first. */
  kernels: KernelProfileEntry[];
  /** Kernel names the step needed but the active backend lacks (the step then failed). */
  missing: string[];
  /** Sum of all kernel times in milliseconds. */
  totalMilliseconds: number;
}

/**
 * Runs `f` (for example one training step) under `tf.profile` and lists the kernels that
 * ran on the active backend with their call counts and times; a kernel the backend lacks
 * is reported in `missing` instead of throwing. Use it to find what to implement or speed up.
 *
 * @example
 * ```ts
 * const { kernels } = await profileKernels(() => optimizer.minimize(loss));
 * console.table(kernels);
 * ```
 */
export async function profileKernels(f: () => unknown): Promise<ProfileKernelsResult> {
  const missing: string[] = [];
  const info = await tf.profile(async () => {
    try {
      const result = await f();
      if (result instanceof tf.Tensor) result.dispose();
    } catch (error) {
      const match = /Kernel '(\w+)' not registered for backend/.exec(String(error));
      if (match?.[1] === undefined) throw error;
      missing.push(match[1]);
    }
  });
  const byName = new Map<string, KernelProfileEntry>();
  const backendName = tf.getBackend();
  for (const kernel of info.kernels) {
    // `<op>__op` entries are op scopes (custom gradients), their kernels are listed too.
    if (kernel.name.endsWith('__op')) continue;
    const time = await kernel.kernelTimeMs;
    const ms = typeof time === 'number' ? time : 0;
    let entry = byName.get(kernel.name);
    if (entry === undefined) {
      entry = {
        name: kernel.name,
        calls: 0,
        milliseconds: 0,
        custom: isTrainingKernel(getKernel(kernel.name, backendName)?.kernelFunc),
        inputShapes: kernel.inputShapes.map((s) => (s === undefined || s === null ? [] : [...s])),
      };
      byName.set(kernel.name, entry);
    }
    entry.calls++;
    entry.milliseconds += ms;
  }
  const kernels = [...byName.values()].sort((p, q) => q.milliseconds - p.milliseconds);
  const totalMilliseconds = kernels.reduce((s, k) => s + k.milliseconds, 0);
  return { kernels, missing, totalMilliseconds };
}
