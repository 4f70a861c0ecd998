import { initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '../types';
import { buildTestCnn, smallMnist, trainModel } from './_test-models';
import {
  type AdaptiveFineTuneOptimizer,
  activationDistance,
  adaptiveFineTune,
} from './adaptive-fine-tune';

const LAYERS = ['conv1', 'conv2', 'fc1'];

/** `x̃`: a 3x3 white patch in the bottom-right corner, every label the target 0. */
function withTrigger(clean: ImageDataset<Float32Array>): ImageDataset<Float32Array> {
  const [n, h, w] = clean.shape;
  const images = clean.images.slice();
  for (let i = 0; i < n; i++) {
    for (let r = h - 3; r < h; r++) {
      for (let c = w - 3; c < w; c++) images[i * h * w + r * w + c] = 1;
    }
  }
  return { ...clean, images, labels: new Int32Array(n) };
}

/** Plain SGD over the model's trainable weights, in their order. */
function sgd(model: LayersModel, learningRate: number) {
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const optimizer = tf.train.sgd(learningRate);
  const adapter: AdaptiveFineTuneOptimizer = {
    applyGradients: (gradients) =>
      optimizer.applyGradients(
        variables.map((variable, i) => ({ name: variable.name, tensor: gradients[i]! })),
      ),
  };
  return { adapter, dispose: () => optimizer.dispose() };
}

function weightsOf(model: LayersModel): Float32Array[] {
  return model
    .getWeights()
    .map((w) => w.dataSync() as Float32Array)
    .map((w) => w.slice());
}

function setWeights(model: LayersModel, weights: Float32Array[]): void {
  const tensors = model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

describe('adaptiveFineTune (Eq. 9)', () => {
  let model: LayersModel;
  let clean: ImageDataset<Float32Array>;
  let triggered: ImageDataset<Float32Array>;
  let heldClean: ImageDataset<Float32Array>;
  let heldTriggered: ImageDataset<Float32Array>;
  let start: Float32Array[];

  /** One fine-tune epoch from `start`; returns its losses, weights and held-out distance. */
  async function fineTune(alpha: number, seed = 3) {
    setWeights(model, start);
    const optimizer = sgd(model, 0.005);
    const batches: string[] = [];
    try {
      const losses = await adaptiveFineTune(model, clean, triggered, {
        alpha,
        epochs: 1,
        startEpoch: 2,
        batchSize: 32,
        optimizer: optimizer.adapter,
        seed,
        layers: LAYERS,
        onBatchBegin: (epoch, batch) => batches.push(`${epoch}:${batch}`),
      });
      return {
        losses,
        batches,
        weights: weightsOf(model),
        distance: await activationDistance(model, heldClean, heldTriggered, LAYERS),
      };
    } finally {
      optimizer.dispose();
    }
  }

  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', threads: 1 });
    const { train, test } = smallMnist(400, 200);
    clean = train;
    triggered = withTrigger(train);
    heldClean = test;
    heldTriggered = withTrigger(test);
    model = buildTestCnn(3);
    trainModel(model, clean, { epochs: 2, seed: 3 });
    start = weightsOf(model);
  });
  afterAll(() => model?.dispose());

  it('is deterministic in the seed, one batch per 32 pairs, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const first = await fineTune(0.01);
    expect(tf.memory().numTensors).toBe(before);
    const again = await fineTune(0.01);
    expect(again.losses).toEqual(first.losses);
    expect(again.weights).toEqual(first.weights);
    // 400 pairs in batches of 32: 12 full batches and one of 16, all in epoch 2.
    expect(first.batches).toEqual(Array.from({ length: 13 }, (_, b) => `2:${b}`));
    expect(first.losses).toHaveLength(1);
    expect(first.losses[0]).toBeGreaterThan(0);
    const other = await fineTune(0.01, 4);
    expect(other.weights).not.toEqual(first.weights);
  });

  it('the activation term acts: alpha 0.1 leaves a smaller distance between x and x̃ than 0', async () => {
    const plain = await fineTune(0);
    const adaptive = await fineTune(0.1);
    expect(plain.distance).toBeGreaterThan(0);
    expect(adaptive.distance).toBeLessThan(plain.distance);
  });

  it('rejects bad options and mismatched pairs with an AttackError', async () => {
    const optimizer = sgd(model, 0.005);
    const options = {
      alpha: 0.1,
      epochs: 1,
      batchSize: 32,
      optimizer: optimizer.adapter,
      seed: 0,
      layers: LAYERS,
    };
    const attackError = (code: string) => expect.objectContaining({ name: 'AttackError', code });
    try {
      await expect(
        adaptiveFineTune(model, clean, triggered, { ...options, alpha: -1 }),
      ).rejects.toThrow(attackError('E_INVALID_ARGUMENT'));
      await expect(
        adaptiveFineTune(model, clean, triggered, { ...options, batchSize: 0 }),
      ).rejects.toThrow(attackError('E_INVALID_ARGUMENT'));
      await expect(adaptiveFineTune(model, clean, heldTriggered, options)).rejects.toThrow(
        attackError('E_SHAPE_MISMATCH'),
      );
      await expect(activationDistance(model, clean, triggered, ['nope'])).rejects.toThrow(
        attackError('E_INVALID_ARGUMENT'),
      );
    } finally {
      optimizer.dispose();
    }
  });
});

describe('activationDistance', () => {
  it('is 0 for identical inputs and the hand-computed sum for a one-unit layer', async () => {
    await initBackend({ prefer: 'wasm', threads: 1 });
    const tfl = await import('@tensorflow/tfjs-layers');
    // Flatten then a 1-unit dense layer with weights 1 and bias 0: I(x) = Σ pixels. Logits: 2 units.
    const tiny = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [1, 2, 1], name: 'flat' }),
        tfl.layers.dense({ units: 1, kernelInitializer: 'ones', name: 'sum' }),
        tfl.layers.dense({ units: 2, name: 'logits' }),
      ],
    });
    const dataset = (pixels: number[]): ImageDataset<Float32Array> => ({
      images: Float32Array.from(pixels),
      shape: [pixels.length / 2, 1, 2, 1],
      labels: new Int32Array(pixels.length / 2),
      numClasses: 2,
    });
    const x = dataset([0.1, 0.2, 0.5, 0.5]);
    try {
      expect(await activationDistance(tiny, x, x, ['sum'])).toBe(0);
      // Sums 0.3 → 1.3 and 1 → 1.5: ((1.3 − 0.3)² + (1.5 − 1)²) / 2 = (1 + 0.25) / 2 = 0.625.
      const xt = dataset([1.1, 0.2, 0.5, 1]);
      expect(await activationDistance(tiny, x, xt, ['sum'], 1)).toBeCloseTo(0.625, 5);
    } finally {
      tiny.dispose();
    }
  });
});
