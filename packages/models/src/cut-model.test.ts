import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { cutModel } from './cut-model';
import { ModelError } from './errors';

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** Largest absolute difference between two equally long arrays. */
function maxGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let gap = 0;
  for (let i = 0; i < a.length; i++) gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
  return gap;
}

/** `[rows, in] x [in, out] + [out]` in float64, from plain arrays (the oracle of a Dense layer). */
function denseByHand(
  x: ArrayLike<number>,
  rows: number,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number>,
): Float64Array {
  const units = bias.length;
  const inputs = kernel.length / units;
  const output = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < units; u++) {
      let sum = bias[u]!;
      for (let i = 0; i < inputs; i++) sum += x[r * inputs + i]! * kernel[i * units + u]!;
      output[r * units + u] = sum;
    }
  }
  return output;
}

describe('cutModel', () => {
  it('cuts a functional model before its last Dense layer: the features are relu(x W + b) by hand', () => {
    const input = tfl.input({ shape: [3], name: 'points' });
    const hidden = tfl.layers
      .dense({
        units: 4,
        name: 'hidden',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      })
      .apply(input) as tfl.SymbolicTensor;
    const activated = tfl.layers.reLU({ name: 'hidden_act' }).apply(hidden) as tfl.SymbolicTensor;
    const logits = tfl.layers
      .dense({
        units: 2,
        name: 'logits',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      })
      .apply(activated) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: logits, name: 'tiny' });

    const { features, featureShape, head } = cutModel(model);
    expect(featureShape).toEqual([4]);
    expect(head).toBe(model.getLayer('logits'));
    expect(features.name).toBe('tiny_features');
    expect(features.getLayer('hidden')).toBe(model.getLayer('hidden'));

    const x = Float32Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i + 1) * 2);
    const [kernel, bias] = model.getLayer('hidden').getWeights();
    const expected = denseByHand(x, 5, kernel!.dataSync(), bias!.dataSync()).map((v) =>
      Math.max(0, v),
    );
    const actual = tf.tidy(() =>
      (features.predict(tf.tensor2d(x, [5, 3])) as tf.Tensor).dataSync(),
    );
    expect(maxGap(actual, expected)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('composes back into the model: head(features(x)) equals the small CNN on random input', () => {
    const { model } = buildModel({
      architecture: 'small-cnn',
      inputShape: [12, 12, 1],
      numClasses: 4,
      seed: 3,
    });
    const { features, featureShape, head } = cutModel(model);
    expect(featureShape).toEqual([64]);
    expect(head?.name).toBe('logits');
    const gaps = tf.tidy(() => {
      const x = tf.randomUniform([6, 12, 12, 1], 0, 1, 'float32', 7);
      const full = model.predict(x) as tf.Tensor;
      const cut = features.predict(x) as tf.Tensor;
      const composed = head!.apply(cut) as tf.Tensor;
      // The logits Dense layer applied by hand (float64) to the features: the same logits.
      const [kernel, bias] = model.getLayer('logits').getWeights();
      const byHand = denseByHand(cut.dataSync(), 6, kernel!.dataSync(), bias!.dataSync());
      return [maxGap(composed.dataSync(), full.dataSync()), maxGap(byHand, full.dataSync())];
    });
    expect(gaps[0]).toBeLessThan(1e-5);
    expect(gaps[1]).toBeLessThan(1e-5);
    model.dispose();
  });

  it('cuts at the output of a named layer, with a head only when one layer follows', () => {
    const { model } = buildModel({
      architecture: 'small-cnn',
      inputShape: [12, 12, 1],
      numClasses: 4,
      seed: 3,
    });
    const flat = cutModel(model, { layer: 'flatten' });
    expect(flat.featureShape).toEqual([3 * 3 * 32]);
    expect(flat.head).toBeUndefined();
    const fc1 = cutModel(model, { layer: 'fc1_act' });
    expect(fc1.head).toBe(model.getLayer('logits'));
    const gap = tf.tidy(() => {
      const x = tf.randomUniform([2, 12, 12, 1], 0, 1, 'float32', 8);
      const viaDefault = cutModel(model).features.predict(x) as tf.Tensor;
      return maxGap((fc1.features.predict(x) as tf.Tensor).dataSync(), viaDefault.dataSync());
    });
    expect(gap).toBe(0);
    model.dispose();
  });

  it('cuts a sequential model with fused activations before its logits layer', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'conv1' }),
        tfl.layers.flatten({ name: 'flatten' }),
        tfl.layers.dense({ units: 5, activation: 'relu', name: 'fc1' }),
        tfl.layers.dense({ units: 3, name: 'logits' }),
      ],
    });
    const { features, featureShape, head } = cutModel(model);
    expect(featureShape).toEqual([5]);
    expect(head).toBe(model.getLayer('logits'));
    const gap = tf.tidy(() => {
      const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 9);
      const composed = head!.apply(features.predict(x) as tf.Tensor) as tf.Tensor;
      return maxGap(composed.dataSync(), (model.predict(x) as tf.Tensor).dataSync());
    });
    expect(gap).toBeLessThan(1e-5);
    model.dispose();
  });

  it('throws ModelError for an unknown layer, a model without Dense, a shared layer or a non-model', () => {
    const { model } = buildModel({
      architecture: 'small-cnn',
      inputShape: [12, 12, 1],
      numClasses: 4,
    });
    expect(() => cutModel(model, { layer: 'nope' })).toThrow(
      /cutModel: layer must name a layer of the model \(.*conv1, .*logits\), got "nope"/,
    );
    const unknown = (() => {
      try {
        cutModel(model, { layer: 'nope' });
      } catch (error) {
        return error;
      }
    })();
    expect(ModelError.isInstance(unknown) && unknown.code).toBe('E_NOT_FOUND');
    model.dispose();

    const convOnly = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 })],
    });
    expect(() => cutModel(convOnly)).toThrow(/model has no Dense layer/);
    convOnly.dispose();

    const input = tfl.input({ shape: [2] });
    const shared = tfl.layers.dense({ units: 2, name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const sharing = tfl.model({ inputs: input, outputs: twice });
    expect(() => cutModel(sharing)).toThrow(/layer shared is called 2 times/);
    sharing.dispose();
    shared.dispose(); // called twice, the layer holds two references

    expect(() => cutModel(null as unknown as tfl.LayersModel)).toThrow(ModelError);
    expect(() => cutModel({} as tfl.LayersModel)).toThrow(/model must be a built tfjs LayersModel/);
  });
});
