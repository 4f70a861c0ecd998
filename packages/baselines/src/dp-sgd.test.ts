import { gaussianBlobs, pointsToImageDataset } from '@none/data';
import { buildModel } from '@none/models';
import { gatherBatch } from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  clipAndNoiseGradients,
  clipGradientNorm,
  DP_SGD_SETTINGS,
  trainEpochsDpSgd,
} from './dp-sgd';
import { BaselineError } from './errors';

const blobs = pointsToImageDataset(gaussianBlobs({ n: 200, seed: 5 }));

function tinyModel(seed = 9) {
  return buildModel({
    architecture: 'mlp',
    inputShape: [1, 1, 2],
    numClasses: 5,
    width: 0.1,
    seed,
  }).model;
}

function weightsOf(model: ReturnType<typeof tinyModel>): Float32Array[] {
  return model.trainableWeights.map((w) => w.read().dataSync().slice() as Float32Array);
}

function globalNorm(tensors: readonly tf.Tensor[]): number {
  let sum = 0;
  for (const t of tensors) for (const v of t.dataSync()) sum += v * v;
  return Math.sqrt(sum);
}

describe('DP_SGD_SETTINGS', () => {
  it("holds the paper's two settings", () => {
    expect(DP_SGD_SETTINGS.light).toEqual({ clipNorm: 4.0, noiseMultiplier: 0.1 });
    expect(DP_SGD_SETTINGS.strong).toEqual({ clipNorm: 1.0, noiseMultiplier: 0.5 });
  });
});

describe('clipGradientNorm', () => {
  it('scales a gradient over the bound to the bound, over all variables together', () => {
    const inputs = [tf.tensor1d([3]), tf.tensor2d([[4]])];
    const clipped = clipGradientNorm(inputs, 1);
    // ||(3, 4)|| = 5, so the factor is 1/5.
    expect(clipped[0]!.dataSync()[0]).toBeCloseTo(0.6, 6);
    expect(clipped[1]!.dataSync()[0]).toBeCloseTo(0.8, 6);
    expect(clipped[1]!.shape).toEqual([1, 1]);
    tf.dispose([...inputs, ...clipped]);
  });

  it('leaves a gradient within the bound unchanged', () => {
    const inputs = [tf.tensor1d([0.3, -0.4])];
    const clipped = clipGradientNorm(inputs, 1);
    expect(Array.from(clipped[0]!.dataSync())).toEqual(Array.from(inputs[0]!.dataSync()));
    tf.dispose([...inputs, ...clipped]);
  });

  it('bounds every clipped per-sample gradient by clipNorm', () => {
    const clipNorm = 0.7;
    for (let s = 0; s < 20; s++) {
      const inputs = [
        tf.randomNormal([5, 3], 0, s / 4, 'float32', s),
        tf.randomNormal([7], 0, 1, 'float32', 100 + s),
      ];
      const before = globalNorm(inputs);
      const clipped = clipGradientNorm(inputs, clipNorm);
      const after = globalNorm(clipped);
      expect(after).toBeLessThanOrEqual(clipNorm + 1e-5);
      if (before <= clipNorm) expect(after).toBeCloseTo(before, 6);
      else expect(after).toBeCloseTo(clipNorm, 5);
      tf.dispose([...inputs, ...clipped]);
    }
  });

  it('rejects a non-positive clipNorm', () => {
    expect(() => clipGradientNorm([], 0)).toThrow(/clipNorm must be a finite number > 0, got 0/);
  });
});

describe('clipAndNoiseGradients', () => {
  it('averages the clipped gradients (hand-computed, no noise)', () => {
    const samples = [[tf.tensor1d([3, 4])], [tf.tensor1d([0.3, 0.4])]];
    const [mean] = clipAndNoiseGradients(samples, { clipNorm: 1, noiseMultiplier: 0, seed: 0 });
    const values = mean!.dataSync();
    expect(values[0]).toBeCloseTo(0.45, 6);
    expect(values[1]).toBeCloseTo(0.6, 6);
    tf.dispose([mean!, ...samples.flat()]);
  });

  it('adds noise of standard deviation noiseMultiplier * clipNorm / batch', () => {
    const count = 4;
    const samples = Array.from({ length: count }, () => [tf.zeros([200, 250]), tf.zeros([10_000])]);
    const result = clipAndNoiseGradients(samples, { clipNorm: 2, noiseMultiplier: 0.5, seed: 7 });
    let sum = 0;
    let squares = 0;
    let total = 0;
    for (const t of result) {
      for (const v of t.dataSync()) {
        sum += v;
        squares += v * v;
        total += 1;
      }
    }
    const mean = sum / total;
    const std = Math.sqrt(squares / total - mean * mean);
    // sigma C / B = 0.5 * 2 / 4 = 0.25; with 60,000 coordinates the estimate is within ~0.3%.
    expect(total).toBe(60_000);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeGreaterThan(0.25 * 0.98);
    expect(std).toBeLessThan(0.25 * 1.02);
    tf.dispose([...result, ...samples.flat()]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const samples = [[tf.tensor1d([1, 2, 3])]];
    const run = (seed: number) => {
      const [r] = clipAndNoiseGradients(samples, { clipNorm: 1, noiseMultiplier: 1, seed });
      const values = Array.from(r!.dataSync());
      r!.dispose();
      return values;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    tf.dispose(samples.flat());
  });

  it('rejects samples with different variables and an empty lot', () => {
    const a = tf.zeros([2]);
    const b = tf.zeros([3]);
    const options = { clipNorm: 1, noiseMultiplier: 0, seed: 0 };
    expect(() => clipAndNoiseGradients([[a], [b]], options)).toThrow(/sample 1/);
    expect(() => clipAndNoiseGradients([], options)).toThrow(BaselineError);
    expect(() =>
      clipAndNoiseGradients([[a]], { clipNorm: 1, noiseMultiplier: -1, seed: 0 }),
    ).toThrow(/noiseMultiplier must be a finite number >= 0, got -1/);
    tf.dispose([a, b]);
  });
});

describe('trainEpochsDpSgd', () => {
  it('with no noise and a huge clip bound takes exactly the plain mean-gradient SGD step', async () => {
    const indices = Int32Array.from([0, 3, 5, 8, 13, 21, 34, 55]);
    const reference = tinyModel();
    const variables = reference.trainableWeights.map((w) => w.read() as tf.Variable);
    const { images, labels } = gatherBatch(blobs, indices, 0, indices.length);
    const { value, grads } = tf.variableGrads(() => {
      const logits = reference.apply(tf.tensor4d(images, [8, 1, 1, 2]), {
        training: true,
      }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.tensor1d(labels, 'int32'), 5),
        logits,
      ) as tf.Scalar;
    }, variables);
    const expected = variables.map((v) => {
      const g = grads[v.name]!.dataSync();
      return v.dataSync().map((w, i) => w - 0.1 * g[i]!);
    });
    tf.dispose([value, ...Object.values(grads)]);
    reference.dispose();

    const model = tinyModel();
    const history = await trainEpochsDpSgd(model, blobs, {
      epochs: 1,
      batchSize: 8,
      learningRate: 0.1,
      clipNorm: 1e6,
      noiseMultiplier: 0,
      seed: 1,
      indices,
    });
    expect(history).toHaveLength(1);
    const actual = weightsOf(model);
    actual.forEach((weights, v) => {
      for (let i = 0; i < weights.length; i++) {
        expect(weights[i]).toBeCloseTo(expected[v]![i]!, 5);
      }
    });
    model.dispose();
  });

  it('is deterministic for a seed, differs between seeds, and leaks no tensor', async () => {
    const run = async (seed: number) => {
      const model = tinyModel();
      const before = tf.memory().numTensors;
      await trainEpochsDpSgd(model, blobs, {
        ...DP_SGD_SETTINGS.strong,
        epochs: 1,
        batchSize: 16,
        learningRate: 0.1,
        momentum: 0.5,
        seed,
        indices: Int32Array.from({ length: 64 }, (_, i) => i),
      });
      expect(tf.memory().numTensors).toBe(before);
      const weights = weightsOf(model);
      model.dispose();
      return weights;
    };
    const first = await run(2);
    expect(await run(2)).toEqual(first);
    expect(await run(3)).not.toEqual(first);
  });

  it('learns the 2-D blobs under the light setting, with micro-batches of 2', async () => {
    const model = buildModel({
      architecture: 'mlp',
      inputShape: [1, 1, 2],
      numClasses: 5,
      seed: 9,
    }).model;
    const history = await trainEpochsDpSgd(model, blobs, {
      ...DP_SGD_SETTINGS.light,
      epochs: 5,
      startEpoch: 1,
      batchSize: 20,
      learningRate: 0.1,
      momentum: 0.9,
      microBatchSize: 2,
      seed: 4,
    });
    expect(history.map((logs) => logs.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(history.at(-1)!.accuracy).toBeGreaterThan(0.8);
    model.dispose();
  });

  it('names the argument, the expectation and the value in its errors', async () => {
    const model = tinyModel();
    const base = { epochs: 1, batchSize: 8, learningRate: 0.1, seed: 0, ...DP_SGD_SETTINGS.light };
    await expect(trainEpochsDpSgd(model, blobs, { ...base, clipNorm: -1 })).rejects.toThrow(
      /clipNorm must be a finite number > 0, got -1/,
    );
    await expect(trainEpochsDpSgd(model, blobs, { ...base, batchSize: 0 })).rejects.toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    await expect(
      trainEpochsDpSgd(model, blobs, { ...base, indices: Int32Array.from([1000]) }),
    ).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    model.dispose();
  });
});
