import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

const CASES: [number[], number[]][] = [
  [
    [1, 1, 1, 16],
    [128, 7, 7, 1],
  ],
  [
    [2, 3],
    [3, 2],
  ],
  [[3], [4]],
  [
    [2, 1, 3],
    [1, 5, 2],
  ],
  [
    [1, 2, 1, 3],
    [2, 1, 3, 1],
  ],
  [
    [2, 2],
    [1, 1],
  ],
  [
    [2, 3, 4],
    [2, 2, 2],
  ],
];

describe('Tile on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  it.each(CASES.map((k) => [JSON.stringify(k), k] as const))(
    'matches cpu exactly: %s',
    async (_, [shape, reps]) => {
      const x = randomArray(
        shape.reduce((a, b) => a * b, 1),
        51,
      );
      const f = () => tf.tile(tf.tensor(x, shape), reps);
      const { cpu, wasm, shapes } = await onCpuAndWasm(f);
      expect(shapes[0]).toEqual(shape.map((d, i) => d * (reps[i] as number)));
      expect(Array.from(wasm[0] as Float32Array)).toEqual(Array.from(cpu[0] as Float32Array));
      const tensors = tf.memory().numTensors;
      const dataIds = wasmDataIds();
      tf.dispose(tf.tidy(f));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(wasmDataIds()).toBe(dataIds);
    },
  );

  it('tiles int32 and bool tensors', async () => {
    const a = tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 1]);
    expect(Array.from(await a.data())).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    const b = tf.tile(tf.tensor1d([true, false], 'bool'), [2]);
    expect(Array.from(await b.data())).toEqual([1, 0, 1, 0]);
    tf.dispose([a, b]);
  });
});
