import { writeFileSync } from 'node:fs';
import { attackTestSet, poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { buildModel } from '@none/models';
import { createActivationProbe } from '@none/probe';
import type * as tf from '@tensorflow/tfjs-core';
import { argmaxRows, predictLogits } from './src/_batches';
import { createOptimizer } from './src/optimizer';
import { trainEpochs } from './src/train-epochs';

await initBackend();
const arch = (process.argv[2] ?? 'small-cnn') as 'nin' | 'small-cnn';
const seed = Number(process.argv[3] ?? 0);
const epochs = Number(process.argv[4] ?? 6);
const { train, test } = loadEmbeddedMnist();
const attack = { type: 'badnets', target: 0 } as const;
const poisoned = poisonDataset(train, attack, { rate: 0.05, seed });
const asrSet = attackTestSet(test, attack);
const { model } = buildModel({
  architecture: arch,
  inputShape: [28, 28, 1],
  numClasses: 10,
  width: arch === 'nin' ? 0.25 : 1,
  seed,
});
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const opt = createOptimizer(vars, {
  type: 'sgd',
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
});
const acc = async (ds: typeof test) => {
  const p = argmaxRows(await predictLogits(model, ds), 10);
  let ok = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === ds.labels[i]) ok++;
  return ok / p.length;
};
await trainEpochs(model, poisoned.dataset, {
  epochs,
  optimizer: opt,
  seed,
  schedule: { type: 'multistep', milestones: [Math.round(epochs * 0.7)], gamma: 0.1 },
  onEpochEnd: async (l) => {
    console.log(
      l.epoch,
      l.loss.toFixed(4),
      'BA',
      (await acc(test)).toFixed(4),
      'ASR',
      (await acc(asrSet.dataset)).toFixed(4),
      ((l.samples / l.milliseconds) * 1000).toFixed(0),
      'img/s',
    );
  },
});
const probe = createActivationProbe(model);
const t = performance.now();
const r = await probe.collect(poisoned.dataset);
console.log('probe ms', performance.now() - t);
const out = {
  layers: r.layers.map((l) => ({ layer: l.layer, neurons: l.neurons })),
  n: r.n,
  numClasses: r.numClasses,
  poisoned: Array.from(poisoned.poisonedIndices),
  labels: Array.from(poisoned.dataset.labels),
};
writeFileSync(`/tmp/act-${arch}-${seed}.json`, JSON.stringify(out));
for (const l of r.layers)
  writeFileSync(`/tmp/act-${arch}-${seed}-${l.layer}.bin`, Buffer.from(l.values.buffer));
writeFileSync(`/tmp/act-${arch}-${seed}-probs.bin`, Buffer.from(r.probabilities.buffer));
