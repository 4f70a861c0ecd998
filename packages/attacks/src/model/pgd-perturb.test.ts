import { initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttackError } from '../errors';
import { buildTestCnn, smallMnist, trainModel } from './_test-models';
import { pgdPerturb } from './pgd-perturb';

let model: LayersModel;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 1 });
  const { train } = smallMnist();
  model = buildTestCnn(3);
  trainModel(model, train, { epochs: 1, seed: 3 });
}, 120_000);

afterAll(() => model?.dispose());

function lossOf(x: tf.Tensor4D, labels: Int32Array): number {
  return tf.tidy(
    () =>
      tf.losses
        .softmaxCrossEntropy(
          tf.oneHot(tf.tensor1d(labels, 'int32'), 10),
          model.predict(x) as tf.Tensor,
        )
        .dataSync()[0]!,
  );
}

describe('pgdPerturb', () => {
  const { test } = smallMnist();
  const count = 64;
  const images = test.images.slice(0, count * 784);
  const labels = test.labels.slice(0, count);

  it('stays within epsilon and [0, 1], raises the loss and disposes its tensors', () => {
    const x = tf.tensor4d(images, [count, 28, 28, 1]);
    const before = tf.memory().numTensors;
    const epsilon = 0.2;
    const adversarial = pgdPerturb(model, x, labels, {
      epsilon,
      steps: 10,
      seed: 1,
      batchSize: 32,
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(adversarial.shape).toEqual([count, 28, 28, 1]);
    const values = adversarial.dataSync();
    let maxDiff = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(values[i]! - images[i]!));
      min = Math.min(min, values[i]!);
      max = Math.max(max, values[i]!);
    }
    expect(maxDiff).toBeLessThanOrEqual(epsilon + 1e-6);
    expect(maxDiff).toBeGreaterThan(epsilon / 2);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(lossOf(adversarial, labels)).toBeGreaterThan(lossOf(x, labels) + 0.5);
    expect(Array.from(x.dataSync().subarray(0, 784))).toEqual(Array.from(images.subarray(0, 784)));
    tf.dispose([x, adversarial]);
  });

  it('is deterministic for a seed and accepts typed arrays', () => {
    const before = tf.memory().numTensors;
    const batch = { images, shape: [count, 28, 28, 1] as [number, number, number, number] };
    const a = pgdPerturb(model, batch, labels, { epsilon: 0.05, steps: 3, seed: 7, batchSize: 64 });
    const b = pgdPerturb(model, batch, labels, { epsilon: 0.05, steps: 3, seed: 7, batchSize: 64 });
    const c = pgdPerturb(model, batch, labels, { epsilon: 0.05, steps: 3, seed: 8 });
    const av = a.dataSync();
    const bv = b.dataSync();
    expect(Array.from(bv)).toEqual(Array.from(av));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(av));
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws AttackError naming the argument', () => {
    const batch = { images, shape: [count, 28, 28, 1] as [number, number, number, number] };
    expect(() => pgdPerturb(model, batch, labels, { epsilon: 0, seed: 0 })).toThrow(
      /epsilon must be > 0/,
    );
    expect(() => pgdPerturb(model, batch, labels, { epsilon: 2, seed: 0 })).toThrow(
      /epsilon must be a number in \[0, 1\], got 2/,
    );
    expect(() => pgdPerturb(model, batch, labels.slice(0, 3), { epsilon: 0.1, seed: 0 })).toThrow(
      /labels has 3 entries, images have 64/,
    );
    expect(() =>
      pgdPerturb(model, batch, labels, { epsilon: 0.1, seed: 0, norm: 'l2' as 'linf' }),
    ).toThrow(/norm must be one of 'linf', got "l2"/);
    expect(() =>
      pgdPerturb(
        model,
        { images: new Float32Array(2 * 32 * 32), shape: [2, 32, 32, 1] },
        new Int32Array(2),
        { epsilon: 0.1, seed: 0 },
      ),
    ).toThrow(/images are 32x32x1 but model expects \[28, 28, 1\]/);
    try {
      pgdPerturb(model, batch, labels, { epsilon: 0.1, seed: -1 });
    } catch (error) {
      expect(AttackError.isInstance(error)).toBe(true);
    }
  });
});
