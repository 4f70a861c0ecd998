import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, relativeError, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

interface PoolCase {
  n: number;
  h: number;
  w: number;
  c: number;
  size: number | [number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

const p = (
  n: number,
  h: number,
  w: number,
  c: number,
  size: PoolCase['size'],
  stride: PoolCase['stride'],
  pad: PoolCase['pad'],
): PoolCase => ({ n, h, w, c, size, stride, pad });

const CASES: PoolCase[] = [
  p(1, 4, 4, 1, 2, 2, 'valid'),
  p(2, 7, 7, 3, 2, 2, 'valid'),
  p(2, 7, 9, 3, 2, 2, 'same'),
  p(2, 9, 9, 4, 3, 2, 'same'),
  p(1, 8, 8, 5, 3, 2, 'valid'),
  p(2, 7, 6, 2, 3, 1, 'same'),
  p(2, 9, 8, 3, [3, 2], [2, 1], 'valid'),
  p(1, 11, 11, 2, 5, 3, 'same'),
  p(2, 9, 9, 8, 3, 2, 'same'),
  p(4, 8, 8, 8, 2, 2, 'valid'),
  p(2, 6, 6, 4, 3, 3, 'valid'),
  p(3, 8, 6, 12, 2, 2, 'same'),
  p(2, 7, 7, 12, 2, 2, 'valid'),
  p(2, 8, 7, 8, [3, 2], [2, 1], 'valid'),
  p(1, 11, 11, 4, 5, 3, 'same'),
  p(128, 14, 14, 4, 3, 2, 'same'),
  p(128, 8, 8, 3, 2, 2, 'valid'),
  p(128, 7, 7, 2, 3, 2, 'same'),
];

function label(k: PoolCase): string {
  return `x[${k.n},${k.h},${k.w},${k.c}] size ${k.size} stride ${k.stride} ${k.pad}`;
}

const POOL_BOUND = 1e-6;

describe('pooling gradient kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  for (const kind of ['max', 'avg'] as const) {
    it.each(CASES.map((k) => [label(k), k] as const))(
      `${kind}Pool gradient matches cpu: %s`,
      async (_, k) => {
        const xs = randomArray(k.n * k.h * k.w * k.c, 7);
        const pool = kind === 'max' ? tf.maxPool : tf.avgPool;
        const f = () => {
          const x = tf.tensor4d(xs, [k.n, k.h, k.w, k.c]);
          return tf.grad((a: tf.Tensor) => {
            const y = pool(a as tf.Tensor4D, k.size, k.stride, k.pad);
            const weights = tf.tensor(randomArray(y.size, 8), y.shape);
            return tf.sum(tf.mul(y, weights));
          })(x);
        };
        const { cpu, wasm } = await onCpuAndWasm(f);
        expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBeLessThan(
          POOL_BOUND,
        );
        const tensors = tf.memory().numTensors;
        const dataIds = wasmDataIds();
        tf.dispose(tf.tidy(f));
        expect(tf.memory().numTensors).toBe(tensors);
        expect(wasmDataIds()).toBe(dataIds);
      },
    );
  }

  it('sends the gradient of a tied window to its first maximum, as cpu does', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(
        tf.ones([1, 2, 2, 1]),
      ),
    );
    expect(Array.from(wasm[0] as Float32Array)).toEqual(Array.from(cpu[0] as Float32Array));
    expect(Array.from(wasm[0] as Float32Array)).toEqual([1, 0, 0, 0]);
  });
});
