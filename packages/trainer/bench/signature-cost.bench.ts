// Where the signature detection spends its time: trains a small CNN on the embedded MNIST
// poisoned with BadNets (5%, target 0) for the warm-up epochs, then times each stage of one
// detection (probe, input-space neighbours, the detection with its group tests).
// Run: pnpm --filter @none/trainer exec tsx bench/signature-cost.bench.ts [seed] [size] [seeded-only]
import { poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { buildModel } from '@none/models';
import { collectPatterns } from '@none/probe';
import type * as tf from '@tensorflow/tfjs-core';
import { detectionQuality } from '../src/metrics';
import { detectSignature } from '../src/none/detect-signature';
import { inputFeatures, labelDisagreement, nearestNeighbours } from '../src/none/neighbours';
import { createOptimizer } from '../src/optimizer';
import { trainEpochs } from '../src/train-epochs';

const seed = Number(process.argv[2] ?? 0);
const size = Number(process.argv[3] ?? 3);
const seededOnly = process.argv[4] === 'seeded-only';
const backend = await initBackend({ threads: 1 });
const { train } = loadEmbeddedMnist();
const poisoned = poisonDataset(
  train,
  { type: 'badnets', target: 0, labelMode: 'all-to-one', size },
  { rate: 0.05, seed },
);
console.log(`backend: ${backend.description}; BadNets ${size}x${size}, seed ${seed}`);
const { model, metadata } = buildModel({
  architecture: 'small-cnn',
  inputShape: [28, 28, 1],
  numClasses: 10,
  seed,
});
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const optimizer = createOptimizer(variables, {
  type: 'sgd',
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
});
const dataset = poisoned.dataset;
await trainEpochs(model, dataset, { epochs: 2, optimizer, seed });
const time = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
  const t = performance.now();
  const out = await f();
  console.log(`${name}: ${(performance.now() - t).toFixed(0)} ms`);
  return out;
};
for (let repeat = 0; repeat < 2; repeat++) {
  const layers = metadata.neurons.slice(-2).map((l) => l.layer);
  const { layers: patterns } = await time('probe', () =>
    collectPatterns(model, dataset, { layers, neurons: metadata.neurons }),
  );
  const n = dataset.shape[0];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const features = await time('features', () => inputFeatures(dataset.images, dataset.shape));
  const disagreement = await time('neighbours', () =>
    labelDisagreement(nearestNeighbours(features, all, 10), all, dataset.labels, 10),
  );
  let contentMs = 0;
  let contentCalls = 0;
  const detection = await time('detect', () =>
    detectSignature(
      {
        labels: dataset.labels,
        numClasses: dataset.numClasses,
        patterns,
        disagreement,
        groupDisagreement: (members) => {
          const t = performance.now();
          const exclude = new Uint8Array(n);
          for (const i of members) exclude[i] = 1;
          const step = Math.max(1, Math.floor(members.length / 64));
          const asked = members.filter((_, k) => k % step === 0).slice(0, 64);
          const shares = labelDisagreement(
            nearestNeighbours(features, asked, 10, exclude),
            asked,
            dataset.labels,
            10,
          );
          contentMs += performance.now() - t;
          contentCalls++;
          return shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
        },
        groupStays: () => 0,
      },
      seededOnly ? { principalStarts: false } : {},
    ),
  );
  const q = detectionQuality(detection.flagged, poisoned.poisonedIndices);
  console.log(
    `  of which content tests: ${contentMs.toFixed(0)} ms in ${contentCalls} calls; units ${patterns.map((p) => p.units).join('+')}; removed ${detection.flagged.length}, P ${q.precision?.toFixed(3)} R ${q.recall?.toFixed(3)}`,
  );
}
optimizer.dispose();
model.dispose();
