import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { buildModel } from '@none/models';
import type * as tf from '@tensorflow/tfjs-core';
import { argmaxRows, predictLogits } from './src/_batches';
import { createOptimizer, type OptimizerOptions } from './src/optimizer';
import { trainEpochs } from './src/train-epochs';

await initBackend();
const { train, test } = loadEmbeddedMnist();
const arch = process.argv[2] as 'nin' | 'small-cnn';
const opts: OptimizerOptions = JSON.parse(process.argv[3]!);
const epochs = Number(process.argv[4] ?? 3);
const { model } = buildModel({
  architecture: arch,
  inputShape: [28, 28, 1],
  numClasses: 10,
  width: arch === 'nin' ? 0.25 : 1,
  seed: 0,
});
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const opt = createOptimizer(vars, opts);
await trainEpochs(model, train, {
  epochs,
  optimizer: opt,
  seed: 0,
  batchSize: Number(process.argv[5] ?? 128),
  onEpochEnd: async (l) => {
    const pred = argmaxRows(await predictLogits(model, test), 10);
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === test.labels[i]) ok++;
    console.log(
      arch,
      process.argv[3],
      l.epoch,
      l.loss.toFixed(4),
      l.accuracy.toFixed(4),
      'test',
      (ok / pred.length).toFixed(4),
      'img/s',
      ((l.samples / l.milliseconds) * 1000).toFixed(0),
    );
  },
});
