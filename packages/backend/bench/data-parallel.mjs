// Measurement: data-parallel training on 2 worker threads (each a single-threaded wasm
// backend with our kernels) vs one process with the multi-threaded wasm backend.
// Each thread computes gradients on half of the batch; gradients are averaged through a
// SharedArrayBuffer (barrier with Atomics), then both apply the same update, so the
// replicas stay bit-identical. Usage: node bench/data-parallel.mjs [model] [seconds]
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../dist/index.js';
import { MODELS } from './models.mjs';

const BATCH = 128;

async function replica({ modelName, rank, world, shared, weights, seconds }) {
  await initBackend({ prefer: 'wasm', threads: 1 });
  const model = MODELS[modelName]();
  model.setWeights(weights.map(({ data, shape }) => tf.tensor(data, shape)));
  const vars = model.trainableWeights.map((w) => w.read());
  const sizes = vars.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const grads = new Float32Array(shared, 0, total * world);
  const ctl = new Int32Array(shared, total * world * 4, 4);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const local = BATCH / world;
  const x = tf.randomUniform([local, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([local], 0, 10, 'int32'), 10);
  let generation = 0;
  const barrier = () => {
    generation++;
    if (Atomics.add(ctl, 0, 1) === world - 1) {
      Atomics.store(ctl, 0, 0);
      Atomics.store(ctl, 1, generation);
      Atomics.notify(ctl, 1);
    } else {
      while (Atomics.load(ctl, 1) < generation) Atomics.wait(ctl, 1, generation - 1, 1000);
    }
  };
  const step = () => {
    const { value, grads: g } = optimizer.computeGradients(() =>
      tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
    );
    let offset = rank * total;
    const names = vars.map((v) => v.name);
    for (const name of names) {
      const data = g[name].dataSync();
      grads.set(data, offset);
      offset += data.length;
    }
    tf.dispose([value, ...Object.values(g)]);
    barrier();
    const averaged = {};
    let p = 0;
    names.forEach((name, i) => {
      const mean = new Float32Array(sizes[i]);
      for (let r = 0; r < world; r++) {
        const src = grads.subarray(r * total + p, r * total + p + sizes[i]);
        for (let k = 0; k < mean.length; k++) mean[k] += src[k];
      }
      for (let k = 0; k < mean.length; k++) mean[k] /= world;
      averaged[name] = tf.tensor(mean, vars[i].shape);
      p += sizes[i];
    });
    optimizer.applyGradients(averaged);
    tf.dispose(Object.values(averaged));
    barrier();
  };
  step();
  step();
  let steps = 0;
  const start = performance.now();
  // Rank 0 decides when to stop; the flag is read after each step's barrier.
  while (Atomics.load(ctl, 2) === 0) {
    step();
    steps++;
    if (rank === 0 && performance.now() - start > seconds * 1000) Atomics.store(ctl, 2, 1);
    barrier();
  }
  return { steps, ms: (performance.now() - start) / steps };
}

if (isMainThread) {
  const modelName = process.argv[2] ?? 'small CNN';
  const seconds = Number(process.argv[3] ?? 8);
  const world = 2;
  await initBackend({ prefer: 'wasm', threads: 1 });
  const model = MODELS[modelName]();
  const weights = model.getWeights().map((w) => ({ data: w.dataSync(), shape: w.shape }));
  const total = model.trainableWeights.reduce((a, w) => a + w.read().size, 0);
  const shared = new SharedArrayBuffer(total * world * 4 + 16);
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { modelName, rank: 1, world, shared, weights, seconds },
  });
  const done = new Promise((resolve, reject) => {
    worker.on('message', resolve);
    worker.on('error', reject);
  });
  const result = await replica({ modelName, rank: 0, world, shared, weights, seconds });
  await done;
  console.log(
    JSON.stringify({
      model: modelName,
      mode: 'data-parallel, 2 workers x 1 thread',
      steps: result.steps,
      ms: result.ms,
      imagesPerSecond: (BATCH * 1000) / result.ms,
    }),
  );
} else {
  const { parentPort } = await import('node:worker_threads');
  const result = await replica(workerData);
  parentPort.postMessage(result);
}
