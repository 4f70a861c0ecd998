import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { resetNeurons } from './reset-neurons';

function weightOf(model: ReturnType<typeof buildModel>['model'], layer: string, index: number) {
  const w = model.getLayer(layer).getWeights()[index]!;
  return { values: Array.from(w.dataSync()), shape: w.shape };
}

function lastAxis(values: number[], width: number, channel: number): number[] {
  return values.filter((_, i) => i % width === channel);
}

describe('resetNeurons', () => {
  it("'zero' cuts the neuron out: no change to its kernel slice can reach the output", () => {
    const { model, metadata } = buildModel({
      architecture: 'small-cnn',
      inputShape: [12, 12, 1],
      numClasses: 4,
      seed: 5,
    });
    const tensorsBefore = tf.memory().numTensors;
    resetNeurons(model, metadata.neurons, { conv2: [3, 7] }, { mode: 'zero' });
    const kernel = weightOf(model, 'conv2', 0);
    expect(lastAxis(kernel.values, 32, 3).every((v) => v === 0)).toBe(true);
    expect(lastAxis(kernel.values, 32, 7).every((v) => v === 0)).toBe(true);
    expect(lastAxis(kernel.values, 32, 4).some((v) => v !== 0)).toBe(true);
    expect(weightOf(model, 'conv2', 1).values[3]).toBe(0);

    const x = tf.randomUniform([5, 12, 12, 1], 0, 1, 'float32', 1);
    const before = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync());
    // Write arbitrary values into the reset neuron's incoming weights: with the readers'
    // slice zeroed, the logits must not move.
    const layer = model.getLayer('conv2');
    const [k, b] = layer.getWeights();
    const noisy = tf.tidy(() => {
      const mask = tf.reshape(tf.oneHot(tf.tensor1d([3], 'int32'), 32), [1, 1, 1, 32]);
      return tf.add(k!, tf.mul(tf.randomNormal(k!.shape, 0, 5, 'float32', 2), mask));
    });
    layer.setWeights([noisy, b!]);
    noisy.dispose();
    const after = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync());
    expect(after).toEqual(before);
    x.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
  });

  it("'zero' clears the dense rows that read a channel through Flatten (row p * C + c)", () => {
    const { model, metadata } = buildModel({
      architecture: 'small-cnn',
      inputShape: [8, 8, 1],
      numClasses: 3,
    });
    resetNeurons(model, metadata.neurons, { conv2: [5] }, { mode: 'zero' });
    const fc1 = weightOf(model, 'fc1', 0); // [2 * 2 * 32, 64]
    const out = fc1.shape[1]!;
    for (let row = 0; row < fc1.shape[0]!; row++) {
      const rowValues = fc1.values.slice(row * out, (row + 1) * out);
      expect(rowValues.every((v) => v === 0)).toBe(row % 32 === 5);
    }
    model.dispose();
  });

  it("'reinit' redraws only the chosen channels, within the initializer's bounds", () => {
    const { model, metadata } = buildModel({
      architecture: 'small-cnn',
      inputShape: [8, 8, 1],
      numClasses: 3,
      seed: 1,
    });
    const before = weightOf(model, 'conv2', 0).values;
    const nextBefore = weightOf(model, 'fc1', 0).values;
    resetNeurons(model, metadata.neurons, { conv2: [0, 9] }, { mode: 'reinit', seed: 11 });
    const after = weightOf(model, 'conv2', 0).values;
    const bound = 1 / Math.sqrt(3 * 3 * 16);
    for (let i = 0; i < after.length; i++) {
      const channel = i % 32;
      if (channel === 0 || channel === 9) {
        expect(after[i]).not.toBe(before[i]);
        expect(Math.abs(after[i]!)).toBeLessThanOrEqual(bound + 1e-7);
      } else {
        expect(after[i]).toBe(before[i]);
      }
    }
    expect(weightOf(model, 'fc1', 0).values).toEqual(nextBefore);
    model.dispose();
  });

  it('restores the BatchNorm channel of a reset neuron', () => {
    const { model, metadata } = buildModel({
      architecture: 'resnet18',
      inputShape: [8, 8, 3],
      numClasses: 3,
      width: 0.125,
    });
    const bn = model.getLayer('stem_bn');
    bn.setWeights(bn.getWeights().map((w) => tf.fill(w.shape, 0.5)));
    resetNeurons(model, metadata.neurons, { stem_conv: [2] }, { mode: 'reinit' });
    const [gamma, beta, mean, variance] = bn.getWeights().map((w) => Array.from(w.dataSync()));
    expect([gamma![2], beta![2], mean![2], variance![2]]).toEqual([1, 0, 0, 1]);
    expect([gamma![1], beta![1], mean![1], variance![1]]).toEqual([0.5, 0.5, 0.5, 0.5]);
    model.dispose();
  });

  it('rejects unknown layers and out-of-range channels', () => {
    const { model, metadata } = buildModel({
      architecture: 'small-cnn',
      inputShape: [8, 8, 1],
      numClasses: 3,
    });
    expect(() => resetNeurons(model, metadata.neurons, { logits: [0] })).toThrow(
      /logits is not a probe-able layer/,
    );
    expect(() => resetNeurons(model, metadata.neurons, { conv1: [16] })).toThrow(
      /integer in \[0, 15\], got 16/,
    );
    model.dispose();
  });
});
