import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, relativeError, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';
import { parallelTuning } from './_parallel';

const CASES: [number[], number[]][] = [
  [[128, 7, 7, 16], [16]],
  [[16], [5, 3, 16]],
  [
    [128, 7, 7, 16],
    [1, 1, 1, 16],
  ],
  [
    [1, 1, 1, 8],
    [4, 3, 3, 8],
  ],
  [[6, 12], [12]],
  [[5, 6], [6]],
  [
    [4, 3, 2],
    [3, 2],
  ],
  [
    [3, 4],
    [3, 4],
  ],
  [
    [3, 5],
    [3, 5],
  ],
  [[8], [8]],
  [[2, 4], []],
  [[4], [2, 4]],
];

const OPS = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
] as const;

describe('Add, Sub and Multiply on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  for (const [name, binary] of OPS) {
    it.each(CASES.map((k) => [JSON.stringify(k), k] as const))(
      `${name} matches cpu: %s`,
      async (_, [as, bs]) => {
        const a = randomArray(
          as.reduce((x, y) => x * y, 1),
          41,
        );
        const b = randomArray(
          bs.reduce((x, y) => x * y, 1),
          42,
        );
        const f = () => binary(tf.tensor(a, as), tf.tensor(b, bs));
        const { cpu, wasm, shapes } = await onCpuAndWasm(f);
        expect(shapes[0]).toEqual(tf.tidy(() => f().shape));
        expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBe(0);
        const tensors = tf.memory().numTensors;
        const dataIds = wasmDataIds();
        tf.dispose(tf.tidy(f));
        expect(tf.memory().numTensors).toBe(tensors);
        expect(wasmDataIds()).toBe(dataIds);
      },
    );
  }

  it('leaves int32 tensors to the original kernels', async () => {
    const y = tf.add(
      tf.tensor1d([1, 2, 3, 4], 'int32'),
      tf.tensor2d([1, 1, 1, 1, 2, 2, 2, 2], [2, 4], 'int32'),
    );
    expect(Array.from(await y.data())).toEqual([2, 3, 4, 5, 3, 4, 5, 6]);
    y.dispose();
  });
});
