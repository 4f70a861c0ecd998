import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tanhshrink } from './activations';
import { buildModel } from './build-model';
import { ModelError } from './errors';
import { ACTIVATION_NAMES, ARCHITECTURES } from './names';

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe('buildModel', () => {
  it.each(ARCHITECTURES.filter((a) => a !== 'mlp'))(
    '%s maps a 28x28x1 batch to [n, 10] logits',
    (architecture) => {
      const { model } = buildModel({
        architecture,
        inputShape: [28, 28, 1],
        numClasses: 10,
        width: 0.125,
      });
      const output = tf.tidy(() => model.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor);
      expect(output.shape).toEqual([3, 10]);
      expect(Array.from(output.dataSync()).every(Number.isFinite)).toBe(true);
      output.dispose();
      model.dispose();
    },
  );

  it('builds the MLP on 2-D points and on flattened images', () => {
    for (const inputShape of [[2], [28, 28, 1]]) {
      const { model } = buildModel({ architecture: 'mlp', inputShape, numClasses: 5 });
      const output = tf.tidy(() => model.predict(tf.zeros([4, ...inputShape])) as tf.Tensor);
      expect(output.shape).toEqual([4, 5]);
      output.dispose();
      model.dispose();
    }
  });

  it('gives identical weights for the same seed and different ones for another seed', () => {
    const weights = (seed: number) => {
      const { model } = buildModel({
        architecture: 'resnet18',
        inputShape: [16, 16, 3],
        numClasses: 10,
        width: 0.125,
        seed,
      });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    const a = weights(3);
    expect(weights(3)).toEqual(a);
    const c = weights(4);
    expect(c).not.toEqual(a);
  });

  it('scales hidden widths by the width multiplier', () => {
    const { model, metadata } = buildModel({
      architecture: 'nin',
      inputShape: [28, 28, 1],
      numClasses: 10,
      width: 0.25,
    });
    expect(metadata.neurons.map((n) => n.width)).toEqual([48, 40, 24, 48, 48, 48, 48, 48]);
    model.dispose();
  });

  it.each(ACTIVATION_NAMES)('uses %s after every hidden layer', (activation) => {
    const { model, metadata } = buildModel({
      architecture: 'small-cnn',
      inputShape: [8, 8, 1],
      numClasses: 3,
      activation,
    });
    const classes = metadata.neurons.map((n) => model.getLayer(n.postActivation).getClassName());
    const expected = {
      relu: 'ReLU',
      leakyRelu: 'LeakyReLU',
      elu: 'ELU',
      softplus: 'Activation',
      tanhshrink: 'NoneTanhshrink',
    }[activation];
    expect(classes).toEqual([expected, expected, expected]);
    model.dispose();
  });

  it('rejects bad options with a message naming the field', () => {
    expect(() => buildModel({ architecture: 'nin', inputShape: [28, 28], numClasses: 10 })).toThrow(
      /inputShape must be \[height, width, channels\], got \[28, 28\]/,
    );
    expect(() => buildModel({ architecture: 'mlp', inputShape: [2], numClasses: 1 })).toThrow(
      /numClasses must be an integer >= 2, got 1/,
    );
    expect(() =>
      buildModel({ architecture: 'mlp', inputShape: [2], numClasses: 2, width: 0 }),
    ).toThrow(/width must be a positive number/);
    try {
      buildModel({ architecture: 'lenet' as never, inputShape: [2], numClasses: 2 });
      expect.unreachable();
    } catch (error) {
      expect(ModelError.isInstance(error)).toBe(true);
      expect((error as ModelError).code).toBe('E_UNKNOWN_ARCHITECTURE');
    }
  });
});

describe('Tanhshrink', () => {
  it('computes x - tanh(x)', () => {
    const layer = new Tanhshrink({});
    const x = [-3, -1, 0, 0.5, 2];
    const y = tf.tidy(() => Array.from((layer.apply(tf.tensor1d(x)) as tf.Tensor).dataSync()));
    for (const [i, v] of x.entries()) expect(y[i]).toBeCloseTo(v - Math.tanh(v), 6);
  });
});
