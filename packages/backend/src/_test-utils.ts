// tfjs-layers registers the gradient functions of tfjs-core's ops (tf-core.node.js has none).
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32), for test data. */
export function randomArray(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  }
  return out;
}

/** Runs `f` on the cpu backend, then on wasm, and returns both results as arrays. */
export async function onCpuAndWasm(
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[]; shapes: number[][] }> {
  const run = async (name: string) => {
    await tf.setBackend(name);
    const result = tf.tidy(f);
    const list = Array.isArray(result) ? result : [result];
    const data = await Promise.all(list.map(async (t) => new Float32Array(await t.data())));
    const shapes = list.map((t) => t.shape);
    tf.dispose(list);
    return { data, shapes };
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  await tf.setBackend('wasm');
  return { cpu: cpu.data, wasm: wasm.data, shapes: wasm.shapes };
}

/**
 * Largest absolute difference between `actual` and `expected`, relative to the largest
 * magnitude in `expected` (at least 1e-3, so all-zero gradients compare absolutely).
 */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let scale = 1e-3;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  const error = worst / scale;
  // NONE_LOG_ERRORS=1 prints every comparison (to state typical errors in the README).
  if (process.env.NONE_LOG_ERRORS !== undefined)
    console.log(`relative-error ${error.toExponential(2)}`);
  return error;
}

/** Number of tensors held by the wasm backend's heap bookkeeping. */
export function wasmDataIds(): number {
  return (tf.engine().findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
}
