import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCpuAndWasm, randomArray, relativeError, wasmDataIds } from '../_test-utils';
import { initBackend } from '../init-backend';

const CASES: [number[], number[]][] = [
  [[128, 7, 7, 16], [16]],
  [[16], [5, 3, 16]],
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
  [[8], [8]],
  [[2, 4], []],
];

describe('Add on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    await initBackend({ prefer: 'wasm' });
  });

  it.each(CASES.map((k) => [JSON.stringify(k), k] as const))(
    'matches cpu: %s',
    async (_, [as, bs]) => {
      const a = randomArray(
        as.reduce((x, y) => x * y, 1),
        41,
      );
      const b = randomArray(
        bs.reduce((x, y) => x * y, 1),
        42,
      );
      const f = () => tf.add(tf.tensor(a, as), tf.tensor(b, bs));
      const { cpu, wasm } = await onCpuAndWasm(f);
      expect(relativeError(wasm[0] as Float32Array, cpu[0] as Float32Array)).toBe(0);
      const tensors = tf.memory().numTensors;
      const dataIds = wasmDataIds();
      tf.dispose(tf.tidy(f));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(wasmDataIds()).toBe(dataIds);
    },
  );

  it('adds int32 tensors with the original kernel', async () => {
    const y = tf.add(
      tf.tensor1d([1, 2, 3, 4], 'int32'),
      tf.tensor2d([1, 1, 1, 1, 2, 2, 2, 2], [2, 4], 'int32'),
    );
    expect(Array.from(await y.data())).toEqual([2, 3, 4, 5, 3, 4, 5, 6]);
    y.dispose();
  });
});
