import { initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttackError } from '../errors';
import { buildTestCnn } from './_test-models';
import {
  adaptiveActivationLoss,
  adaptiveAttackLoss,
  layerActivationLoss,
} from './adaptive-activation-loss';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 1 });
});

describe('adaptiveActivationLoss (Eq. 9)', () => {
  it('is the sum of squared differences over every layer', () => {
    const a = [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor1d([0, 1]),
    ];
    const b = [
      tf.tensor2d([
        [1, 0],
        [0, 4],
      ]),
      tf.tensor1d([2, 1]),
    ];
    const before = tf.memory().numTensors;
    const loss = adaptiveActivationLoss(a, b);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(loss.rank).toBe(0);
    expect(loss.dataSync()[0]).toBeCloseTo(4 + 9 + 4, 5);
    tf.dispose([...a, ...b, loss]);
  });

  it('throws AttackError on mismatched shapes', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => adaptiveActivationLoss(a, b)).toThrow(
      /layer 0: activationsBenign has shape \[2, 3\] but activationsTriggered has \[2, 4\]/,
    );
    expect(() => adaptiveActivationLoss([a], [])).toThrow(
      /same non-zero number of layers, got 1 and 0/,
    );
    tf.dispose([a, b]);
  });
});

describe('layerActivationLoss and adaptiveAttackLoss', () => {
  it('measure chosen layers, are zero for identical batches, and pass gradients to the weights', () => {
    const model = buildTestCnn(1);
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const xt = tf.tidy(() => {
      const patch = tf.pad(tf.ones([4, 3, 3, 1]), [
        [0, 0],
        [25, 0],
        [25, 0],
        [0, 0],
      ]);
      return tf.maximum(x, patch) as tf.Tensor4D;
    });
    const y = tf.tensor1d([1, 2, 3, 4], 'int32');
    const yt = tf.tensor1d([0, 0, 0, 0], 'int32');
    const before = tf.memory().numTensors;
    const layers = ['conv1', 'fc1'];

    const same = layerActivationLoss(model, x, x, { layers });
    expect(same.dataSync()[0]).toBe(0);
    const distance = layerActivationLoss(model, x, xt, { layers, training: false });
    const manual = tf.tidy(() => {
      // Walk the sequential model layer by layer and sum over conv1 and fc1.
      const walk = (input: tf.Tensor) => {
        const out: tf.Tensor[] = [];
        let h = input;
        for (const layer of model.layers) {
          h = layer.apply(h) as tf.Tensor;
          if (layers.includes(layer.name)) out.push(h);
        }
        return out;
      };
      const a = walk(x);
      const b = walk(xt);
      return tf.add(
        tf.sum(tf.squaredDifference(a[0]!, b[0]!)),
        tf.sum(tf.squaredDifference(a[1]!, b[1]!)),
      );
    });
    expect(distance.dataSync()[0]).toBeGreaterThan(0);
    expect(distance.dataSync()[0]).toBeCloseTo(manual.dataSync()[0]!, 2);

    const total = adaptiveAttackLoss(
      model,
      { benign: x, labels: y, triggered: xt, targetLabels: yt },
      { alpha: 0.01, layers },
    );
    const parts = tf.tidy(() => {
      const ce = (input: tf.Tensor, labels: tf.Tensor1D) =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), model.apply(input) as tf.Tensor);
      return tf.addN([
        ce(x, y),
        ce(xt, yt),
        tf.mul(layerActivationLoss(model, x, xt, { layers }), 0.01),
      ]);
    });
    expect(total.dataSync()[0]).toBeCloseTo(parts.dataSync()[0]!, 3);
    tf.dispose([same, distance, manual, total, parts]);
    expect(tf.memory().numTensors).toBe(before);

    const { grads, value } = tf.variableGrads(() =>
      adaptiveAttackLoss(
        model,
        { benign: x, labels: y, triggered: xt, targetLabels: yt },
        { alpha: 1, layers },
      ),
    );
    const conv1Kernel = Object.keys(grads).find(
      (name) => name.includes('conv1') && name.includes('kernel'),
    )!;
    expect(tf.tidy(() => tf.sum(tf.abs(grads[conv1Kernel]!)).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);

    expect(() => layerActivationLoss(model, x, xt, { layers: ['nope'] })).toThrow(
      /layers contains 'nope', which is not a layer of the model \(layers: conv1, pool1/,
    );
    expect(() =>
      adaptiveAttackLoss(
        model,
        { benign: x, labels: y, triggered: xt, targetLabels: yt },
        { alpha: -1, layers },
      ),
    ).toThrow(/alpha must be a number/);
    try {
      layerActivationLoss(model, x, tf.zeros([2, 28, 28, 1]) as tf.Tensor4D, { layers });
    } catch (error) {
      expect(AttackError.isInstance(error)).toBe(true);
      expect(String(error)).toMatch(
        /benign has shape \[4, 28, 28, 1\] but triggered has \[2, 28, 28, 1\]/,
      );
    }
    tf.dispose([x, xt, y, yt]);
    model.dispose();
  });
});
