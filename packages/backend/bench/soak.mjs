// Soak test: 1,000 training steps of the small CNN at batch 128 on the default backend;
// tf.memory().numTensors, the wasm backend's tensor count and the wasm heap must stay flat.
// Usage: node bench/soak.mjs [steps]   (needs the built package)
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../dist/index.js';
import { smallCnn } from './models.mjs';

const steps = Number(process.argv[2] ?? 1000);
const backend = await initBackend();
console.log(`soak: ${steps} steps, small CNN, batch 128, ${backend.description}`);
const model = smallCnn();
const optimizer = tf.train.momentum(0.01, 0.9);
const x = tf.randomUniform([128, 28, 28, 1]);
const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32'), 10);
const engineBackend = tf.backend();
const heapBytes = () => engineBackend.wasm?.HEAPU8?.buffer.byteLength ?? 0;
const dataIds = () => engineBackend.numDataIds();

let baseline;
let heapAfterWarmup = 0;
let failures = 0;
const start = performance.now();
for (let step = 1; step <= steps; step++) {
  const loss = optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
    true,
  );
  const value = loss.dataSync()[0];
  loss.dispose();
  if (!Number.isFinite(value)) {
    console.log(`step ${step}: loss is ${value}`);
    failures++;
  }
  if (step === 10) {
    baseline = { tensors: tf.memory().numTensors, dataIds: dataIds() };
  }
  if (step === 100) heapAfterWarmup = heapBytes();
  if (step % 100 === 0 || step === steps) {
    const now = { tensors: tf.memory().numTensors, dataIds: dataIds(), heap: heapBytes() };
    const flat =
      now.tensors === baseline.tensors &&
      now.dataIds === baseline.dataIds &&
      now.heap <= heapAfterWarmup;
    if (!flat) failures++;
    console.log(
      `step ${String(step).padStart(5)}  loss ${value.toFixed(4)}  tensors ${now.tensors}  wasm tensors ${now.dataIds}  ` +
        `heap ${(now.heap / 2 ** 20).toFixed(1)} MiB  rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB  ` +
        `${((performance.now() - start) / step).toFixed(1)} ms/step  ${flat ? 'flat' : 'GREW'}`,
    );
  }
}
console.log(
  failures === 0
    ? 'soak: PASS (tensors, wasm tensors and heap flat)'
    : `soak: FAIL (${failures} checks)`,
);
process.exitCode = failures === 0 ? 0 : 1;
