import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomArray, relativeError, wasmDataIds } from './_test-utils';
import { initBackend } from './init-backend';
import { parallelTuning } from './kernels/_parallel';

/** tanhshrink(x) = x − tanh(x), as a layer. */
class Tanhshrink extends tfl.layers.Layer {
  static className = 'Tanhshrink';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.sub(x, tf.tanh(x));
  }
}

type Act = 'relu' | 'leakyRelu' | 'elu' | 'softplus' | 'tanhshrink';

function activation(kind: Act): tfl.layers.Layer {
  switch (kind) {
    case 'relu':
      return tfl.layers.reLU();
    case 'leakyRelu':
      return tfl.layers.leakyReLU({ alpha: 0.1 });
    case 'elu':
      return tfl.layers.elu();
    case 'softplus':
      return tfl.layers.activation({ activation: 'softplus' });
    case 'tanhshrink':
      return new Tanhshrink({});
  }
}

const INPUT: [number, number, number] = [12, 12, 1];

function mlp(act: Act): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: INPUT }),
      tfl.layers.dense({ units: 24 }),
      activation(act),
      tfl.layers.dense({ units: 16 }),
      activation(act),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

function cnn(act: Act): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: INPUT, filters: 4, kernelSize: 3, padding: 'same' }),
      activation(act),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }),
      activation(act),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 16 }),
      activation(act),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

function nin(act: Act): tfl.LayersModel {
  const block = (filters: number[], kernel: number) =>
    filters.flatMap((f, i) => [
      tfl.layers.conv2d({ filters: f, kernelSize: i === 0 ? kernel : 1, padding: 'same' }),
      activation(act),
    ]);
  return tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ inputShape: INPUT }),
      ...block([8, 6, 4], 5),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.dropout({ rate: 0.3, seed: 7 }),
      ...block([8, 8, 8], 5),
      tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.dropout({ rate: 0.3, seed: 8 }),
      ...block([8, 8, 10], 3),
      tfl.layers.globalAveragePooling2d({}),
    ],
  });
}

function vgg(act: Act): tfl.LayersModel {
  const conv = (filters: number) => [
    // No bias before BatchNorm: its gradient is zero up to rounding noise.
    tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }),
    tfl.layers.batchNormalization(),
    activation(act),
  ];
  return tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ inputShape: INPUT }),
      ...conv(4),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      ...conv(8),
      ...conv(8),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 16 }),
      activation(act),
      tfl.layers.dropout({ rate: 0.25, seed: 9 }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/** Stem, then one basic ResNet block with a stride-2 1x1 convolution + BatchNorm shortcut. */
function resnetBlock(act: Act): tfl.LayersModel {
  const input = tfl.input({ shape: INPUT });
  const conv = (x: tfl.SymbolicTensor, filters: number, kernel: number, strides: number) =>
    tfl.layers
      .batchNormalization()
      .apply(
        tfl.layers
          .conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false })
          .apply(x),
      ) as tfl.SymbolicTensor;
  const stem = activation(act).apply(conv(input, 4, 3, 1)) as tfl.SymbolicTensor;
  const a = activation(act).apply(conv(stem, 8, 3, 2)) as tfl.SymbolicTensor;
  const b = conv(a, 8, 3, 1);
  const shortcut = conv(stem, 8, 1, 2);
  const sum = activation(act).apply(tfl.layers.add().apply([b, shortcut])) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(sum);
  const output = tfl.layers.dense({ units: 10 }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

const FAMILIES: [string, (act: Act) => tfl.LayersModel, Act][] = [
  ['MLP', mlp, 'leakyRelu'],
  ['small CNN', cnn, 'relu'],
  ['NiN-like with dropout and avg pooling', nin, 'elu'],
  ['VGG-like with BatchNorm', vgg, 'softplus'],
  ['ResNet block with BatchNorm and stride-2 1x1 shortcut', resnetBlock, 'relu'],
  ['small CNN', cnn, 'tanhshrink'],
];

/** Bound on the relative error (see `relativeError`) of every weight gradient. */
const MODEL_BOUND = 1e-4;

async function gradients(
  model: tfl.LayersModel,
  weights: tf.Tensor[],
  backend: string,
  batch: number,
) {
  await tf.setBackend(backend);
  model.setWeights(weights);
  const xs = randomArray(batch * INPUT[0] * INPUT[1] * INPUT[2], 31);
  const labels = Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(xs, [batch, ...INPUT]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    return tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
    );
  });
  const names = model.trainableWeights.map((w) => w.originalName);
  const result = await Promise.all(
    model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]?.data()),
  );
  const loss = (await value.data())[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  return { names, grads: result.map((g) => new Float32Array(g ?? [])), loss };
}

describe('whole-model gradients on wasm match cpu', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    // Two threads: the multi-threaded build and the SIMD helper threads are under test.
    await initBackend({ prefer: 'wasm', threads: 2 });
    // Split every call, however small, so that the helper-thread paths run.
    parallelTuning().minimumWorkPerThread = 1;
    parallelTuning().checkOutputs = true;
  });

  it.each(FAMILIES.map(([name, build, act]) => [`${name} (${act})`, build, act] as const))(
    '%s',
    async (_, build, act) => {
      await tf.setBackend('cpu');
      const model = build(act);
      const weights = model
        .getWeights()
        .map((w, i) => tf.tensor(randomArray(w.size, 100 + i), w.shape));
      for (const batch of [1, 16]) {
        const cpu = await gradients(model, weights, 'cpu', batch);
        const wasm = await gradients(model, weights, 'wasm', batch);
        expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.loss)));
        for (let i = 0; i < cpu.grads.length; i++) {
          const error = relativeError(wasm.grads[i] as Float32Array, cpu.grads[i] as Float32Array);
          expect(error, `${cpu.names[i]} (batch ${batch})`).toBeLessThan(MODEL_BOUND);
        }
      }
      // A second wasm step leaves tensors and heap as they were.
      await gradients(model, weights, 'wasm', 16);
      const tensors = tf.memory().numTensors;
      const dataIds = wasmDataIds();
      await gradients(model, weights, 'wasm', 16);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(wasmDataIds()).toBe(dataIds);
      tf.dispose(weights);
      model.dispose();
    },
  );
});
