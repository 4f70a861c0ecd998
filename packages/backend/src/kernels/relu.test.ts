import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

/** Random values with exact zeros, negative zeros and a NaN mixed in. */
function values(size: number, seed: number): Float32Array {
  const v = randomArray(size, seed);
  for (let i = 0; i < size; i += 7) v[i] = 0;
  for (let i = 3; i < size; i += 11) v[i] = -0;
  if (size > 5) v[5] = Number.NaN;
  return v;
}

/**
 * Positions where `a` and `b` differ (NaN equals NaN; with `signOfZero` false, −0 equals +0:
 * the fused gradient gives +0 where tfjs's product gives −0). A loop, not `toEqual`, which
 * is far too slow on a million elements.
 */
function mismatches(a: Float32Array, b: Float32Array, signOfZero: boolean): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] as number;
    const q = b[i] as number;
    const same = signOfZero ? Object.is(p, q) : p === q || (Number.isNaN(p) && Number.isNaN(q));
    if (!same) count++;
  }
  return count;
}

const SHAPES = [[4], [128, 28, 28, 16], [3, 7, 4], [3, 5], [1, 2, 2, 3]];

describe('Relu and its fused gradient on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    await initBackend({ prefer: 'wasm', threads: 2 });
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  it.each(SHAPES.map((s) => [JSON.stringify(s), s] as const))(
    'Relu matches cpu bit for bit, NaN and −0 included: %s',
    async (_, shape) => {
      const n = shape.reduce((p, q) => p * q);
      const x = values(n, 1);
      const { cpu, wasm } = await onCpuAndWasm(() => tf.relu(tf.tensor(x, shape)));
      expect(mismatches(wasm[0] as Float32Array, cpu[0] as Float32Array, true)).toBe(0);
    },
  );

  it.each(SHAPES.map((s) => [JSON.stringify(s), s] as const))(
    'the Relu gradient matches cpu (up to the sign of zero): %s',
    async (_, shape) => {
      const n = shape.reduce((p, q) => p * q);
      const x = values(n, 2);
      const w = randomArray(n, 3);
      const f = () =>
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), tf.tensor(w, shape))))(
          tf.tensor(x, shape),
        );
      const { cpu, wasm } = await onCpuAndWasm(f);
      expect(mismatches(wasm[0] as Float32Array, cpu[0] as Float32Array, false)).toBe(0);
      const tensors = tf.memory().numTensors;
      const dataIds = wasmDataIds();
      tf.dispose(tf.tidy(f));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(wasmDataIds()).toBe(dataIds);
    },
  );

  it('uses the fused kernel on wasm (one kernel instead of Step, Cast and Multiply)', async () => {
    const x = tf.tensor(values(64, 4), [16, 4]);
    const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('NoneReluGrad');
    expect(names).not.toContain('Step');
    x.dispose();
  });
});
