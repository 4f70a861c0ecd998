import { poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { buildModel } from '@none/models';
import { createActivationProbe } from '@none/probe';
import type * as tf from '@tensorflow/tfjs-core';
import { detectionQuality } from './src/metrics';
import { detectConfidenceGap } from './src/none/detect-confidence-gap';
import { detectConsensus } from './src/none/detect-consensus';
import { detectPaper } from './src/none/detect-paper';
import { createOptimizer } from './src/optimizer';
import { trainEpochs } from './src/train-epochs';

await initBackend();
const seed = Number(process.argv[2] ?? 0);
const labelMode = (process.argv[3] ?? 'all-to-one') as 'all-to-one';
const { train } = loadEmbeddedMnist();
const poisoned = poisonDataset(
  train,
  { type: 'badnets', target: 0, labelMode },
  { rate: 0.05, seed },
);
const { model, metadata } = buildModel({
  architecture: 'small-cnn',
  inputShape: [28, 28, 1],
  numClasses: 10,
  seed,
});
const opt = createOptimizer(
  model.trainableWeights.map((w) => w.read() as tf.Variable),
  { type: 'sgd', learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4 },
);
const probe = createActivationProbe(model, { neurons: metadata.neurons });
await trainEpochs(model, poisoned.dataset, {
  epochs: 10,
  optimizer: opt,
  seed,
  schedule: { type: 'multistep', milestones: [7], gamma: 0.1 },
  onEpochEnd: async (l) => {
    const acts = await probe.collect(poisoned.dataset);
    const out = [];
    for (const [name, det] of [
      ['consensus', detectConsensus(acts)],
      ['cgap', detectConfidenceGap(acts)],
      ['paper', detectPaper(acts)],
    ] as const) {
      const q = detectionQuality(det.flagged, poisoned.poisonedIndices);
      out.push(
        `${name}: n${det.flagged.length} P${q.precision?.toFixed(3)} R${q.recall?.toFixed(3)}`,
      );
    }
    console.log('epoch', l.epoch + 1, out.join(' | '));
  },
});
