import { initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poisonDataset, verifyPoisonResult } from '../poison-dataset';
import type { ImageDataset } from '../types';
import { buildTestCnn, smallMnist, trainModel } from './_test-models';
import { labelConsistentPoison } from './label-consistent-poison';

let surrogate: LayersModel;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 1 });
  surrogate = buildTestCnn(5);
  trainModel(surrogate, smallMnist().train, { epochs: 1, seed: 5 });
}, 120_000);

afterAll(() => surrogate?.dispose());

function firstImages(count: number): ImageDataset<Float32Array> {
  const { train } = smallMnist();
  return {
    images: train.images.slice(0, count * 784),
    shape: [count, 28, 28, 1],
    labels: train.labels.slice(0, count),
    numClasses: 10,
  };
}

describe('labelConsistentPoison', () => {
  it('perturbs then triggers only target-class samples, keeps labels and disposes tensors', () => {
    const dataset = firstImages(400);
    const copy = dataset.images.slice();
    const before = tf.memory().numTensors;
    const epsilon = 16 / 255;
    const result = labelConsistentPoison(surrogate, dataset, {
      target: 0,
      rate: 0.05,
      epsilon,
      steps: 5,
      seed: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(dataset.images).toEqual(copy);
    expect(result.dataset.labels).toEqual(dataset.labels);
    expect(result.poisonedIndices.length).toBe(20);
    const reference = poisonDataset(
      dataset,
      { type: 'badnets', target: 0, cleanLabel: true },
      { rate: 0.05, seed: 3 },
    );
    expect(result.poisonedIndices).toEqual(reference.poisonedIndices);
    const poisoned = new Set(result.poisonedIndices);
    let changedOutside = 0;
    let perturbed = 0;
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < 784; j++) {
        const a = result.dataset.images[i * 784 + j]!;
        const b = dataset.images[i * 784 + j]!;
        if (!poisoned.has(i)) {
          if (a !== b) changedOutside += 1;
          continue;
        }
        const row = Math.floor(j / 28);
        const col = j % 28;
        if (row >= 25 && col >= 25) expect(a).toBe(1);
        else {
          expect(Math.abs(a - b)).toBeLessThanOrEqual(epsilon + 1e-6);
          if (a !== b) perturbed += 1;
        }
      }
    }
    expect(changedOutside).toBe(0);
    expect(perturbed).toBeGreaterThan(20 * 100);
    for (const i of result.poisonedIndices) expect(dataset.labels[i]).toBe(0);
    expect(result.manifest.eligibleRule).toBe('target-class');
    expect(result.manifest.adversarial).toMatchObject({ method: 'pgd-linf', epsilon, steps: 5 });
    expect(verifyPoisonResult(result)).toEqual([]);
  });

  it('is deterministic and supports uint8 datasets', () => {
    const float = firstImages(200);
    const bytes: ImageDataset<Uint8Array> = {
      ...float,
      images: Uint8Array.from(float.images, (v) => Math.round(v * 255)),
    };
    const options = { target: 1, rate: 0.03, epsilon: 8 / 255, steps: 3, seed: 9 };
    const a = labelConsistentPoison(surrogate, bytes, options);
    const b = labelConsistentPoison(surrogate, bytes, options);
    expect(a.dataset.images).toBeInstanceOf(Uint8Array);
    expect(a.manifest.sha256).toEqual(b.manifest.sha256);
    for (const i of a.poisonedIndices) expect(bytes.labels[i]).toBe(1);
  });

  it('throws AttackError with clear messages', () => {
    const dataset = firstImages(100);
    expect(() =>
      labelConsistentPoison(surrogate, dataset, { target: 10, rate: 0.01, seed: 0 }),
    ).toThrow(/target must be an integer in \[0, 9\], got 10/);
    expect(() =>
      labelConsistentPoison(surrogate, dataset, { target: 0, rate: 0.5, seed: 0 }),
    ).toThrow(/eligible/);
    expect(() =>
      labelConsistentPoison(surrogate, dataset, {
        target: 0,
        rate: 0.01,
        seed: 0,
        trigger: { type: 'badnets', target: 2 },
      }),
    ).toThrow(/trigger.target \(2\) must be omitted or equal target \(0\)/);
  });
});
