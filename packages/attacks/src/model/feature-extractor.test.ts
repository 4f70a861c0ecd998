import { initBackend } from '@none/backend';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset, ImageShape } from '../types';
import { buildTestCnn, smallMnist, trainModel } from './_test-models';
import { featureExtractorOf } from './feature-extractor';

const SOURCE = 3;

let model: tfl.LayersModel;
let extractor: tfl.LayersModel;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 1 });
  model = buildTestCnn(0);
  trainModel(model, smallMnist().train, { epochs: 3, seed: 0 });
  extractor = featureExtractorOf(model);
}, 120_000);

afterAll(() => model?.dispose());

/** Up to `count` images of class `label` of `dataset` from index `from` on. */
function imagesOf(dataset: ImageDataset<Float32Array>, label: number, from: number, count: number) {
  const picked: number[] = [];
  for (let i = from; i < dataset.labels.length && picked.length < count; i++) {
    if (dataset.labels[i] === label) picked.push(i);
  }
  const images = new Float32Array(picked.length * 784);
  for (const [k, i] of picked.entries()) {
    images.set(dataset.images.subarray(i * 784, (i + 1) * 784), k * 784);
  }
  return { images, shape: [picked.length, 28, 28, 1] as ImageShape };
}

describe('featureExtractorOf', () => {
  it('cuts before the last Dense layer: its weights applied to the features give the logits', () => {
    expect(extractor.outputs[0]!.shape).toEqual([null, 32]);
    const batch = imagesOf(smallMnist().test, SOURCE, 0, 16);
    const before = tf.memory().numTensors;
    const [kernel, bias] = model.getLayer('logits').getWeights();
    const gap = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, batch.shape);
      const logits = tf.add(tf.matMul(extractor.predict(x) as tf.Tensor2D, kernel!), bias!);
      return tf.max(tf.abs(tf.sub(logits, model.predict(x) as tf.Tensor))).dataSync()[0]!;
    });
    expect(gap).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    expect(extractor.getLayer('fc1')).toBe(model.getLayer('fc1'));
  });

  it('takes a named layer, and throws for an unknown one or a model without Dense', () => {
    expect(featureExtractorOf(model, { layer: 'flatten' }).outputs[0]!.shape).toEqual([null, 784]);
    expect(() => featureExtractorOf(model, { layer: 'nope' })).toThrow(
      /layer must name a layer of the model \(conv1, pool1, .*logits\), got "nope"/,
    );
    const convOnly = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 })],
    });
    expect(() => featureExtractorOf(convOnly)).toThrow(/model has no Dense layer/);
    convOnly.dispose();
    expect(() => featureExtractorOf(null as unknown as tfl.LayersModel)).toThrow(
      /model must be a built tfjs LayersModel/,
    );
  });
});
