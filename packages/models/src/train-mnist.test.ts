import { initBackend } from '@none/backend';
import { loadEmbeddedMnist, oneHot, shuffleDataset } from '@none/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build-model';

describe('small CNN on the embedded MNIST (integration, wasm backend)', () => {
  it('reaches at least 97% test accuracy within 8 epochs', { timeout: 300_000 }, async () => {
    await initBackend({ prefer: 'wasm' });
    const { test, train: ordered } = loadEmbeddedMnist();
    const train = shuffleDataset(ordered, { seed: 0 }); // one seeded order; fit() itself does not shuffle
    const { model } = buildModel({
      architecture: 'small-cnn',
      inputShape: [28, 28, 1],
      numClasses: 10,
      seed: 0,
    });
    const optimizer = tf.train.momentum(0.05, 0.9);
    model.compile({
      optimizer,
      loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits),
    });
    const x = tf.tensor4d(train.images as Float32Array, train.shape);
    const y = tf.tensor2d(oneHot(train.labels, 10), [train.shape[0], 10]);
    await model.fit(x, y, {
      epochs: 8,
      batchSize: 64,
      shuffle: false,
      verbose: 0,
      // Step decay after epoch 6, as the experiments use (x0.1 after 70% of the epochs).
      callbacks: {
        onEpochEnd: (epoch) => (epoch === 5 ? optimizer.setLearningRate(0.005) : undefined),
      },
    });
    const predicted = tf.tidy(() =>
      tf
        .argMax(model.predict(tf.tensor4d(test.images as Float32Array, test.shape)) as tf.Tensor, 1)
        .dataSync(),
    );
    let correct = 0;
    for (let i = 0; i < test.labels.length; i++) if (predicted[i] === test.labels[i]) correct += 1;
    const accuracy = correct / test.labels.length;
    console.log(`small CNN test accuracy after 8 epochs: ${(accuracy * 100).toFixed(2)}%`);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    tf.dispose([x, y]);
    model.dispose();
  });
});
