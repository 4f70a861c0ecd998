import { buildModel } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivationProbe } from './activation-probe';
import { ProbeError } from './errors';

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** conv 1x1 with weights [1, -1] and biases [0.5, 0] -> relu -> flatten -> dense(2). */
function handBuiltNetwork(): tfl.LayersModel {
  const input = tfl.input({ shape: [2, 2, 1] });
  const initial = [tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([0.5, 0])];
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 1, weights: initial });
  const act = tfl.layers.reLU({ name: 'act' });
  const dense = tfl.layers.dense({ name: 'logits', units: 2 });
  const output = dense.apply(
    tfl.layers.flatten().apply(act.apply(conv.apply(input))),
  ) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  tf.dispose(initial); // the layer holds copies
  return model;
}

describe('createActivationProbe', () => {
  const images = new Float32Array([
    0.1,
    0.9,
    0.3,
    0.2, // sample 0: max 0.9, min 0.1, mean 0.375
    -2,
    -1,
    -3,
    -4, //     sample 1: max -1, min -4, mean -2.5
  ]);
  const input = { images, shape: [2, 2, 2, 1] };

  it('reads the per-channel max of the pre-activation (hand-computed)', async () => {
    const model = handBuiltNetwork();
    const probe = createActivationProbe(model);
    expect(probe.layers).toEqual(['conv']);
    const result = await probe.collect(input, { batchSize: 1 });
    // channel 0 = max(x) + 0.5, channel 1 = max(-x) = -min(x)
    expect(Array.from(result.layers[0]!.values)).toEqual(
      [0.9 + 0.5, -0.1, -1 + 0.5, 4].map(Math.fround),
    );
    probe.dispose();
    model.dispose();
  });

  it('reads means and post-activation values when asked', async () => {
    const model = handBuiltNetwork();
    const mean = await createActivationProbe(model, { reduce: 'mean' }).collect(input);
    const expectedMean = [0.375 + 0.5, -0.375, -2.5 + 0.5, 2.5];
    Array.from(mean.layers[0]!.values).forEach((v, i) => {
      expect(v).toBeCloseTo(expectedMean[i]!, 6);
    });
    const post = await createActivationProbe(model, { point: 'post' }).collect(input);
    const expectedPost = [1.4, 0, 0, 4];
    Array.from(post.layers[0]!.values).forEach((v, i) => {
      expect(v).toBeCloseTo(expectedPost[i]!, 6);
    });
    model.dispose();
  });

  it('agrees with a sub-model forward pass and returns the softmax of the logits', async () => {
    const { model } = buildModel({
      architecture: 'small-cnn',
      inputShape: [12, 12, 1],
      numClasses: 4,
      seed: 3,
    });
    const n = 37;
    const data = tf.tidy(
      () => tf.randomUniform([n, 12, 12, 1], 0, 1, 'float32', 9).dataSync() as Float32Array,
    );
    const result = await createActivationProbe(model).collect(
      { images: data, shape: [n, 12, 12, 1] },
      { batchSize: 10 },
    );
    const sub = tfl.model({
      inputs: model.inputs,
      outputs: model.getLayer('conv2').output as tfl.SymbolicTensor,
    });
    const [maps, logits] = tf.tidy(() => {
      const x = tf.tensor4d(data, [n, 12, 12, 1]);
      return [
        (sub.predict(x) as tf.Tensor).arraySync() as number[][][][],
        (model.predict(x) as tf.Tensor).arraySync() as number[][],
      ];
    });
    const conv2 = result.layers.find((l) => l.layer === 'conv2')!;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 32; c++) {
        let max = -Infinity;
        for (const row of maps![i]!) for (const pixel of row) max = Math.max(max, pixel[c]!);
        expect(conv2.values[i * 32 + c]).toBeCloseTo(max, 5);
      }
      const exps = logits![i]!.map(Math.exp);
      const total = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, k) => {
        expect(result.probabilities[i * 4 + k]).toBeCloseTo(e / total, 5);
      });
    }
    model.dispose();
  });

  it('treats uint8 images as value / 255', async () => {
    const { model } = buildModel({
      architecture: 'small-cnn',
      inputShape: [6, 6, 1],
      numClasses: 3,
      seed: 1,
    });
    const bytes = Uint8Array.from({ length: 5 * 36 }, (_, i) => (i * 37) % 256);
    const floats = Float32Array.from(bytes, (b) => b / 255);
    const probe = createActivationProbe(model);
    const a = await probe.collect({ images: bytes, shape: [5, 6, 6, 1] });
    const b = await probe.collect({ images: floats, shape: [5, 6, 6, 1] });
    Array.from(a.layers[1]!.values).forEach((v, i) => {
      expect(v).toBeCloseTo(b.layers[1]!.values[i]!, 5);
    });
    model.dispose();
  });

  it('keeps memory at one batch: O(n x neurons), not O(n x h x w x c)', async () => {
    // 64 channels of 48x48: the full maps of 128 samples would be 75 MB; the result is 32 KB.
    const input = tfl.input({ shape: [48, 48, 1] });
    const conv = tfl.layers.conv2d({ name: 'wide', filters: 64, kernelSize: 1 }).apply(input);
    const act = tfl.layers.reLU().apply(conv);
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(act);
    const output = tfl.layers.dense({ units: 2 }).apply(pooled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const n = 128;
    const images = new Float32Array(n * 48 * 48).fill(0.5);
    const baseline = tf.memory().numBytes;
    let peakAfterBatch = 0;
    const result = await createActivationProbe(model).collect(
      { images, shape: [n, 48, 48, 1] },
      {
        batchSize: 16,
        onProgress: () => {
          peakAfterBatch = Math.max(peakAfterBatch, tf.memory().numBytes - baseline);
        },
      },
    );
    expect(result.layers[0]!.values.length).toBe(n * 64);
    expect(peakAfterBatch).toBe(0);
    model.dispose();
  });

  it('rejects inputs of the wrong shape and unknown layers', async () => {
    const model = handBuiltNetwork();
    const probe = createActivationProbe(model);
    const error = await probe
      .collect({ images: new Float32Array(9), shape: [1, 3, 3, 1] })
      .catch((e: unknown) => e);
    expect(ProbeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'input shape [1, 3, 3, 1] does not match the model input [n, 2, 2, 1]',
    );
    expect(() => createActivationProbe(model, { layers: ['nope'] })).toThrow(/has no layer nope/);
    model.dispose();
  });
});
