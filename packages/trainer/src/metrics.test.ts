import type { ImageDataset } from '@none/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accuracy, detectionQuality, evaluateBackdoor } from './metrics';

/** 1x1 images whose pixel value v in {0, 0.1, ..., 0.9} a fake model reads as class round(10 v). */
function digits(values: number[], labels: number[]): ImageDataset {
  return {
    images: Float32Array.from(values),
    labels: Int32Array.from(labels),
    shape: [values.length, 1, 1, 1],
    numClasses: 10,
  } as ImageDataset;
}
const readsPixel = {
  predict: (x: tf.Tensor) =>
    tf.tidy(() =>
      tf.cast(
        tf.oneHot(tf.cast(tf.round(tf.mul(tf.reshape(x, [-1]), 10)), 'int32'), 10),
        'float32',
      ),
    ),
};

describe('accuracy', () => {
  it('is the fraction of matching labels', () => {
    expect(accuracy(Int32Array.from([1, 2, 3, 0]), Int32Array.from([1, 2, 0, 0]))).toBe(0.75);
  });
});

describe('detectionQuality', () => {
  it('computes precision and recall against the poisoned indices (hand-computed)', () => {
    // removed {1,2,3,9}, poisoned {2,3,4}: TP 2 -> precision 2/4, recall 2/3
    const q = detectionQuality([1, 2, 3, 9], [2, 3, 4]);
    expect(q).toEqual({ precision: 0.5, recall: 2 / 3, truePositives: 2 });
  });
  it('returns nulls when the poisoned indices are unknown', () => {
    expect(detectionQuality([1], undefined)).toEqual({
      precision: null,
      recall: null,
      truePositives: null,
    });
  });
});

describe('evaluateBackdoor', () => {
  it('is the accuracy on the clean set and on the triggered set (hand-computed)', async () => {
    // clean: predicted 1, 2, 3, 4 against 1, 2, 0, 4 -> BA 3/4; triggered: 0, 0, 5 against target 0 -> ASR 2/3
    const test = digits([0.1, 0.2, 0.3, 0.4], [1, 2, 0, 4]);
    const triggered = digits([0, 0, 0.5], [0, 0, 0]);
    expect(await evaluateBackdoor(readsPixel, test, triggered, { batchSize: 2 })).toEqual({
      ba: 0.75,
      asr: 2 / 3,
    });
    expect(await evaluateBackdoor(readsPixel, test)).toEqual({ ba: 0.75, asr: null });
  });
});
