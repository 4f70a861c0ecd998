// Test helpers (not exported): a seeded small CNN and a minimal training loop.
import { loadEmbeddedMnist, shuffleDataset, subsetDataset } from '@none/data';
import { createRandom, deriveSeed } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { poisonDataset } from '../poison-dataset';
import type { ImageDataset } from '../types';

/** conv3x3(8)-maxpool-conv3x3(16)-maxpool-dense(32)-dense(10), logits out, seeded. */
export function buildTestCnn(seed: number, inputShape: [number, number, number] = [28, 28, 1]) {
  const init = (layer: number) =>
    tfl.initializers.heNormal({ seed: deriveSeed(seed, 'test-cnn-init', layer) });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape,
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
        name: 'conv1',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.conv2d({
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
        name: 'conv2',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(3), name: 'fc1' }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(4), name: 'logits' }),
    ],
  });
}

/** Minimal Adam training loop (tf.variableGrads), a seeded shuffle per epoch. */
export function trainModel(
  model: tfl.LayersModel,
  dataset: ImageDataset<Float32Array>,
  { epochs = 3, batchSize = 32, learningRate = 0.003, seed = 0 } = {},
): void {
  const [n, h, w, c] = dataset.shape;
  const imageSize = h * w * c;
  const optimizer = tf.train.adam(learningRate);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    createRandom(deriveSeed(seed, 'test-train-shuffle', epoch)).shuffle(order);
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const x = new Float32Array(count * imageSize);
      const y = new Int32Array(count);
      for (let k = 0; k < count; k++) {
        const index = order[start + k]!;
        x.set(dataset.images.subarray(index * imageSize, (index + 1) * imageSize), k * imageSize);
        y[k] = dataset.labels[index]!;
      }
      tf.tidy(() => {
        const xs = tf.tensor4d(x, [count, h, w, c]);
        const ys = tf.oneHot(tf.tensor1d(y, 'int32'), dataset.numClasses);
        const cost = optimizer.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              ys,
              model.apply(xs, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
        );
        cost?.dispose();
      });
    }
  }
  optimizer.dispose();
}

/** Accuracy of `model` on a dataset. */
export function accuracy(model: tfl.LayersModel, dataset: ImageDataset<Float32Array>): number {
  const predicted = tf.tidy(() =>
    tf.argMax(model.predict(tf.tensor4d(dataset.images, dataset.shape)) as tf.Tensor, 1).dataSync(),
  );
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === dataset.labels[i]) correct += 1;
  return correct / predicted.length;
}

let cached: { train: ImageDataset<Float32Array>; test: ImageDataset<Float32Array> } | undefined;

/**
 * `trainCount` training and `testCount` test images of the embedded MNIST (which is ordered
 * by digit), after a seeded shuffle.
 */
export function smallMnist(trainCount = 2000, testCount = 500) {
  if (!cached) {
    const embedded = loadEmbeddedMnist();
    const train = shuffleDataset(embedded.train, { seed: 0 });
    const test = shuffleDataset(embedded.test, { seed: 1 });
    cached = {
      train: subsetDataset(
        train,
        Int32Array.from({ length: trainCount }, (_, i) => i),
      ) as ImageDataset<Float32Array>,
      test: subsetDataset(
        test,
        Int32Array.from({ length: testCount }, (_, i) => i),
      ) as ImageDataset<Float32Array>,
    };
  }
  return cached;
}

/** A small CNN trained on clean or BadNets-poisoned (3x3 white, target 0, 10%) MNIST. */
export function trainedCnn(poisoned: boolean, seed = 0) {
  const { train } = smallMnist();
  const data = poisoned
    ? (poisonDataset(train, { type: 'badnets', target: 0 }, { rate: 0.1, seed })
        .dataset as ImageDataset<Float32Array>)
    : train;
  const model = buildTestCnn(seed);
  trainModel(model, data, { epochs: 3, seed });
  return model;
}
