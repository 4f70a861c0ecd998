import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, relativeError, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

const CASES: [number[], number | number[], boolean][] = [
  [[128, 7, 7, 16], [0, 1, 2], false],
  [[128, 7, 7, 16], [0, 1, 2], true],
  [[5, 3], 0, false],
  [[5, 3], [0], true],
  [[4, 3, 2], [1, 0], false],
  [[4, 3, 2], [-3, -2], false],
  [[4, 3, 2], [0, 2], false],
  [[4, 3, 2], [0, 1, 2], false],
  [[6], 0, false],
  [[4, 3, 2], 2, true],
];

const REDUCE_BOUND = 1e-6;

describe('Sum and Mean on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  for (const op of ['sum', 'mean'] as const) {
    it.each(CASES.map((k) => [JSON.stringify(k), k] as const))(
      `${op} matches cpu: %s`,
      async (_, [shape, axis, keep]) => {
        const x = randomArray(
          shape.reduce((a, b) => a * b),
          21,
        );
        const reduce = op === 'sum' ? tf.sum : tf.mean;
        const f = () => reduce(tf.tensor(x, shape), axis, keep);
        const { cpu, wasm, shapes } = await onCpuAndWasm(f);
        await tf.setBackend('cpu');
        const expectedShape = tf.tidy(() => f().shape);
        await tf.setBackend('wasm');
        expect(shapes[0]).toEqual(expectedShape);
        expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBeLessThan(
          REDUCE_BOUND,
        );
        const tensors = tf.memory().numTensors;
        const dataIds = wasmDataIds();
        tf.dispose(tf.tidy(f));
        expect(tf.memory().numTensors).toBe(tensors);
        expect(wasmDataIds()).toBe(dataIds);
      },
    );
  }

  it('sums int32 tensors with the original kernel', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      tf.cast(tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0), 'float32'),
    );
    expect(Array.from(wasm[0] as Float32Array)).toEqual(Array.from(cpu[0] as Float32Array));
  });

  it('Cast to the same dtype shares memory; other casts convert', async () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    const tensors = tf.memory().numTensors;
    const dataIds = wasmDataIds();
    const same = tf.cast(x, 'float32');
    expect(wasmDataIds()).toBe(dataIds);
    const int = tf.cast(x, 'int32');
    expect(Array.from(await same.data())).toEqual([1.5, -2, 3]);
    expect(Array.from(await int.data())).toEqual([1, -2, 3]);
    tf.dispose([same, int]);
    expect(tf.memory().numTensors).toBe(tensors);
    x.dispose();
  });

  it('Identity shares memory and keeps tensors and heap balanced', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const tensors = tf.memory().numTensors;
    const dataIds = wasmDataIds();
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(tensors - 1);
    expect(wasmDataIds()).toBe(dataIds - 1);
  });
});
