import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, relativeError, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

const CASES: [number[], number[], boolean, boolean][] = [
  [[5, 3], [3, 4], false, false],
  [[3, 5], [3, 4], true, false],
  [[5, 3], [4, 3], false, true],
  [[3, 5], [4, 3], true, true],
  [[128, 1568], [128, 64], true, false],
  [[128, 64], [1568, 64], false, true],
  [[2, 7, 3], [2, 7, 5], true, false],
  [[2, 7, 3], [2, 5, 3], false, true],
  [[3, 4, 6], [1, 5, 6], false, true],
  [[1, 6, 4], [3, 6, 5], true, false],
  [[1, 1], [1, 1], true, true],
  // n a multiple of 8: the SIMD convolution kernel (1–3 leftover rows, broadcast batches).
  [[128, 1568], [1568, 64], false, false],
  [[2, 9, 12], [2, 12, 16], false, false],
  [[3, 5, 7], [1, 7, 8], false, false],
  [[1, 6, 7], [3, 7, 24], false, false],
  [[7, 13], [24, 13], false, true],
  [[1, 1], [1, 8], false, false],
];

/**
 * Bound on the relative error for inner sizes up to 64; float32 rounding of a k-term sum
 * grows like √k (the two backends add in different orders), so the bound scales with it.
 */
const MATMUL_BOUND = 1e-6;
const boundFor = (k: number) => MATMUL_BOUND * Math.max(1, Math.sqrt(k / 64));

describe('BatchMatMul on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  it.each(CASES.map((k) => [JSON.stringify(k), k] as const))(
    'matches cpu: %s',
    async (_, [as, bs, ta, tb]) => {
      const a = randomArray(
        as.reduce((x, y) => x * y),
        11,
      );
      const b = randomArray(
        bs.reduce((x, y) => x * y),
        12,
      );
      const f = () => tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), ta, tb);
      const { cpu, wasm } = await onCpuAndWasm(f);
      const k = ta ? (as[as.length - 2] as number) : (as[as.length - 1] as number);
      expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBeLessThan(
        boundFor(k),
      );
      const tensors = tf.memory().numTensors;
      const dataIds = wasmDataIds();
      tf.dispose(tf.tidy(f));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(wasmDataIds()).toBe(dataIds);
    },
  );

  it('dense layer gradients match cpu', async () => {
    const x = randomArray(16 * 20, 13);
    const w = randomArray(20 * 7, 14);
    const { cpu, wasm } = await onCpuAndWasm(() =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([
        tf.tensor2d(x, [16, 20]),
        tf.tensor2d(w, [20, 7]),
      ]),
    );
    for (let i = 0; i < 2; i++) {
      expect(relativeError(wasm[i] as Float32Array, cpu[i] as Float32Array)).toBeLessThan(
        MATMUL_BOUND,
      );
    }
  });
});
