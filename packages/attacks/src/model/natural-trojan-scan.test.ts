import { initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMaskedTrigger } from '../masked-trigger';
import type { ImageDataset } from '../types';
import { smallMnist, trainedCnn } from './_test-models';
import { NATURAL_TROJAN_BUDGETS, naturalTrojanScan } from './natural-trojan-scan';
import { limitMask, reverseEngineerTrigger } from './reverse-engineer-trigger';

// A small CNN trained 3 epochs on 2,000 embedded-MNIST images, once with BadNets
// (3x3 white patch bottom-right, target 0, 10% poisoned) and once on clean data.
let trojaned: LayersModel;
let clean: LayersModel;
let scanImages: ImageDataset<Float32Array>;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 1 });
  trojaned = trainedCnn(true);
  clean = trainedCnn(false);
  const { test } = smallMnist();
  const count = 200;
  scanImages = {
    images: test.images.slice(0, count * 784),
    shape: [count, 28, 28, 1],
    labels: test.labels.slice(0, count),
    numClasses: 10,
  };
}, 120_000);

afterAll(() => {
  trojaned?.dispose();
  clean?.dispose();
});

describe('reverseEngineerTrigger', () => {
  it('finds the BadNets trigger toward class 0 within a 2% mask, and cleans up', () => {
    const before = tf.memory().numTensors;
    const copy = scanImages.images.slice();
    const result = reverseEngineerTrigger(trojaned, scanImages, {
      target: 0,
      maxMaskFraction: 0.02,
      steps: 100,
      seed: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(scanImages.images).toEqual(copy);
    expect(result.budgetPixels).toBe(15);
    expect(result.mask.length).toBe(784);
    expect(result.pattern.length).toBe(784);
    expect(result.mask.filter((v) => v > 0).length).toBeLessThanOrEqual(15);
    expect(result.maskArea).toBeLessThanOrEqual(0.02 * 784);
    expect(result.evaluated).toBe(scanImages.labels.filter((y) => y !== 0).length);
    expect(result.asr).toBeGreaterThanOrEqual(0.8);
    // The core's Eq. 1 stamping with the returned trigger gives the same success rate.
    const stamped = applyMaskedTrigger(scanImages, result.trigger);
    const predicted = tf.tidy(() =>
      tf
        .argMax(trojaned.predict(tf.tensor4d(stamped.images, scanImages.shape)) as tf.Tensor, 1)
        .dataSync(),
    );
    let hits = 0;
    for (let i = 0; i < predicted.length; i++) {
      if (scanImages.labels[i] !== 0 && predicted[i] === 0) hits += 1;
    }
    expect(hits / result.evaluated).toBeCloseTo(result.asr, 1);
  });

  it('is deterministic for a seed', () => {
    const options = { target: 3, maxMaskFraction: 0.03, steps: 10, seed: 4 };
    const a = reverseEngineerTrigger(clean, scanImages, options);
    const b = reverseEngineerTrigger(clean, scanImages, options);
    expect(a.mask).toEqual(b.mask);
    expect(a.asr).toBe(b.asr);
  });

  it('hard-limits the mask to its largest values', () => {
    expect(Array.from(limitMask(Float32Array.from([0.1, 0.9, 0.5, 0.9]), 2))).toEqual([
      0, 0.8999999761581421, 0, 0.8999999761581421,
    ]);
  });

  it('throws AttackError naming the argument', () => {
    expect(() =>
      reverseEngineerTrigger(clean, scanImages, { target: 0, maxMaskFraction: 0.001, seed: 0 }),
    ).toThrow(/maxMaskFraction 0.001 allows no whole pixel of a 28x28 image/);
    expect(() =>
      reverseEngineerTrigger(clean, scanImages, { target: 12, maxMaskFraction: 0.02, seed: 0 }),
    ).toThrow(/target must be an integer in \[0, 9\], got 12/);
    expect(() =>
      reverseEngineerTrigger(clean, scanImages, {
        target: 0,
        maxMaskFraction: 0.02,
        seed: 0,
        steps: 0,
      }),
    ).toThrow(/steps must be an integer in \[1, 100000\], got 0/);
  });
});

describe('naturalTrojanScan', () => {
  it('reports a high REASR on the trojaned model and a clearly lower one on the clean model', () => {
    const before = tf.memory().numTensors;
    const options = { budgets: [0.02], steps: 100, seed: 0 };
    const onTrojaned = naturalTrojanScan(trojaned, scanImages, options);
    const onClean = naturalTrojanScan(clean, scanImages, options);
    expect(tf.memory().numTensors).toBe(before);
    const t = onTrojaned.budgets[0]!;
    const c = onClean.budgets[0]!;
    console.log(
      `REASR at 2% (steps 100, 200 test images): trojaned ${t.reasr.toFixed(3)} (target ${t.bestTarget}; per target ${t.asrPerTarget.map((v) => v.toFixed(2)).join(' ')}), clean ${c.reasr.toFixed(3)} (target ${c.bestTarget}; per target ${c.asrPerTarget.map((v) => v.toFixed(2)).join(' ')})`,
    );
    expect(onTrojaned.targets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(t.bestTarget).toBe(0);
    expect(t.reasr).toBeGreaterThanOrEqual(0.8);
    expect(c.asrPerTarget[0]).toBeLessThan(0.5);
    expect(c.reasr).toBeLessThanOrEqual(t.reasr - 0.25);
    expect(onTrojaned.meanReasr).toBe(t.reasr);
  }, 120_000);

  it('defaults to the budgets of Table 2 and validates its options', () => {
    expect(NATURAL_TROJAN_BUDGETS).toEqual([0.02, 0.04, 0.06, 0.08, 0.1, 0.12]);
    const result = naturalTrojanScan(clean, scanImages, { targets: [1], steps: 2, seed: 0 });
    expect(result.budgets.map((b) => b.budget)).toEqual([...NATURAL_TROJAN_BUDGETS]);
    expect(result.meanReasr).toBeCloseTo(result.budgets.reduce((s, b) => s + b.reasr, 0) / 6, 10);
    expect(() => naturalTrojanScan(clean, scanImages, { budgets: [], seed: 0 })).toThrow(
      /budgets must be a non-empty array/,
    );
    expect(() => naturalTrojanScan(clean, scanImages, { budgets: [1.5], seed: 0 })).toThrow(
      /budgets\[0\] must be a number/,
    );
    expect(() => naturalTrojanScan(clean, scanImages, { targets: [10], seed: 0 })).toThrow(
      /targets\[0\] must be an integer in \[0, 9\], got 10/,
    );
  });
});
