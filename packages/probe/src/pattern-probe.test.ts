import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbeError } from './errors';
import { collectPatterns } from './pattern-probe';

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** conv 1x1 with weights [1, -1] and biases [-0.5, 0.25] -> relu -> flatten -> dense(2). */
function handBuiltNetwork(): tfl.LayersModel {
  const input = tfl.input({ shape: [2, 2, 1] });
  const initial = [tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([-0.5, 0.25])];
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 1, weights: initial });
  const act = tfl.layers.reLU({ name: 'act' });
  const dense = tfl.layers.dense({ name: 'logits', units: 2 });
  const output = dense.apply(
    tfl.layers.flatten().apply(act.apply(conv.apply(input))),
  ) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  tf.dispose(initial);
  return model;
}

describe('collectPatterns', () => {
  // Pixel p gives channel 0: p - 0.5 (on when p > 0.5), channel 1: 0.25 - p (on when p < 0.25).
  const images = new Float32Array([0.9, 0.1, 0.3, 0.6, /* sample 1 */ 0.2, 0.2, 0.7, 0.4]);
  const expected = [
    // sample 0, NHWC: (pos0: c0 c1) (pos1) (pos2) (pos3)
    [1, 0, 0, 1, 0, 0, 1, 0],
    [0, 1, 0, 1, 1, 0, 0, 0],
  ];

  it('reads which linear piece each unit sits on, per position (hand-computed)', async () => {
    const model = handBuiltNetwork();
    const result = await collectPatterns(
      model,
      { images, shape: [2, 2, 2, 1] },
      { layers: ['conv'], batchSize: 1 },
    );
    expect(result.n).toBe(2);
    expect(result.layers[0]).toMatchObject({ layer: 'conv', units: 8, channels: 2 });
    expect(Array.from(result.layers[0]!.bits)).toEqual(expected.flat());
    model.dispose();
  });

  it('max-pools a map wider than maxSide: a cell is on when any of its positions is', async () => {
    const model = handBuiltNetwork();
    const result = await collectPatterns(
      model,
      { images, shape: [2, 2, 2, 1] },
      { layers: ['conv'], maxSide: 1 },
    );
    expect(result.layers[0]!.units).toBe(2);
    // OR over the four positions of each channel, from the table above.
    expect(Array.from(result.layers[0]!.bits)).toEqual([1, 1, 1, 1]);
    model.dispose();
  });

  it('rejects input of another shape and a bad maxSide, naming them', async () => {
    const model = handBuiltNetwork();
    await expect(collectPatterns(model, { images, shape: [2, 4, 1, 1] })).rejects.toThrow(
      /does not match the model input/,
    );
    await expect(
      collectPatterns(model, { images, shape: [2, 2, 2, 1] }, { maxSide: 0 }),
    ).rejects.toThrow(ProbeError);
    model.dispose();
  });
});
