import { attackTestSet, poisonDataset } from '@none/attacks';
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { buildModel } from '@none/models';
import type * as tf from '@tensorflow/tfjs-core';
import { argmaxRows, predictLogits } from './src/_batches';
import { runNone } from './src/none/run-none';
import { createOptimizer } from './src/optimizer';
import { trainEpochs } from './src/train-epochs';

await initBackend();
const [arch, seedS, warmS, variant, roundsS, eprS, lrS, resetMode, rf] = process.argv.slice(2);
const seed = Number(seedS),
  warm = Number(warmS);
const { train, test } = loadEmbeddedMnist();
const attack = { type: 'badnets', target: 0 } as const;
const poisoned = poisonDataset(train, attack, { rate: 0.05, seed });
const asrSet = attackTestSet(test, attack);
const { model, metadata } = buildModel({
  architecture: arch as 'small-cnn',
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
  epochs: warm,
  optimizer: opt,
  seed,
  schedule: { type: 'multistep', milestones: [Math.round(warm * 0.7)], gamma: 0.1 },
});
console.log(
  'undefended BA',
  (await acc(test)).toFixed(4),
  'ASR',
  (await acc(asrSet.dataset)).toFixed(4),
);
const t = performance.now();
const state = await runNone(model, poisoned.dataset, {
  none: {
    variant: variant as 'consensus',
    rounds: Number(roundsS),
    epochsPerRound: Number(eprS),
    fineTuneLearningRate: Number(lrS),
    reset: resetMode as 'zero',
    resetFraction: Number(rf ?? 0.03),
  },
  neurons: metadata.neurons,
  optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
  seed,
  firstEpoch: warm,
  poisonedIndices: poisoned.poisonedIndices,
  onEvent: async (e) => {
    if (e.type === 'detected')
      console.log(
        'round',
        e.round,
        JSON.stringify({ ...e.record, details: undefined }),
        JSON.stringify(e.record.details).slice(0, 400),
      );
    if (e.type === 'epoch')
      console.log(
        '  ft epoch',
        e.logs.epoch,
        'BA',
        (await acc(test)).toFixed(4),
        'ASR',
        (await acc(asrSet.dataset)).toFixed(4),
      );
  },
});
console.log(
  'NONE ms',
  (performance.now() - t).toFixed(0),
  'final BA',
  (await acc(test)).toFixed(4),
  'ASR',
  (await acc(asrSet.dataset)).toFixed(4),
  'removed',
  state.removed.length,
);
