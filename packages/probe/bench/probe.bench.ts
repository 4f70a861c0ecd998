// Probe time and peak memory on the 8,000 embedded MNIST training digits.
// Run: pnpm --filter @none/probe bench   (after pnpm build)
import { initBackend } from '@none/backend';
import { loadEmbeddedMnist } from '@none/data';
import { buildModel } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import { createActivationProbe } from '../src/index';

const backend = await initBackend({ threads: 1 });
const { train } = loadEmbeddedMnist();
console.log(`backend: ${backend.description}; ${train.shape[0]} digits`);
for (const [architecture, width] of [
  ['small-cnn', 1],
  ['nin', 0.25],
  ['resnet18', 0.25],
] as const) {
  const { model, metadata } = buildModel({
    architecture,
    inputShape: [28, 28, 1],
    numClasses: 10,
    width,
    seed: 0,
  });
  const probe = createActivationProbe(model, { neurons: metadata.neurons });
  await probe.collect(train, { batchSize: 256 }); // warm-up (kernel compilation, allocation)
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakTensorBytes = 0;
  const started = performance.now();
  const result = await probe.collect(train, {
    batchSize: 256,
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
    },
  });
  const ms = performance.now() - started;
  const neurons = result.layers.reduce((sum, l) => sum + l.neurons, 0);
  const resultBytes =
    result.layers.reduce((sum, l) => sum + l.values.byteLength, 0) +
    result.probabilities.byteLength;
  console.log(
    `${architecture} (width ${width}): ${metadata.neurons.length} layers, ${neurons} neurons; ` +
      `${(ms / 1000).toFixed(2)} s (${Math.round((train.shape[0] / ms) * 1000)} img/s); ` +
      `result ${(resultBytes / 2 ** 20).toFixed(1)} MiB; peak tensor memory ${(peakTensorBytes / 2 ** 20).toFixed(1)} MiB; ` +
      `RSS growth ${((peakRss - rssBefore) / 2 ** 20).toFixed(1)} MiB`,
  );
  probe.dispose();
  model.dispose();
}
