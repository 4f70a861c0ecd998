// Model builders for the benchmarks (28x28x1 inputs, 10 classes), with tfjs-layers.
import * as tfl from '@tensorflow/tfjs-layers';

/** conv16-pool-conv32-pool-dense64-dense10, ReLU. */
export function smallCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/**
 * Network in Network (Lin et al. 2014, the CIFAR variant used by NONE) at width `width`:
 * 192-160-96 (5x5, 1x1, 1x1) → maxpool 3/2 → dropout → 192-192-192 (5x5, 1x1, 1x1) →
 * avgpool 3/2 → dropout → 192-192-10 (3x3, 1x1, 1x1) → global average pooling.
 */
export function nin(width = 0.25) {
  const w = (n) => Math.max(1, Math.round(n * width));
  const conv = (filters, kernelSize, extra = {}) =>
    tfl.layers.conv2d({ filters, kernelSize, padding: 'same', activation: 'relu', ...extra });
  return tfl.sequential({
    layers: [
      conv(w(192), 5, { inputShape: [28, 28, 1] }),
      conv(w(160), 1),
      conv(w(96), 1),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.dropout({ rate: 0.5 }),
      conv(w(192), 5),
      conv(w(192), 1),
      conv(w(192), 1),
      tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.dropout({ rate: 0.5 }),
      conv(w(192), 3),
      conv(w(192), 1),
      conv(10, 1),
      tfl.layers.globalAveragePooling2d({}),
    ],
  });
}

/**
 * A small ResNet with BatchNorm: 3x3 stem (16) → basic blocks 16, 32 (stride 2), 64
 * (stride 2), each with a 1x1 stride-2 convolution + BatchNorm shortcut when it downsamples
 * → global average pooling → dense 10.
 */
export function smallResnet() {
  const input = tfl.input({ shape: [28, 28, 1] });
  const convBn = (x, filters, kernelSize, strides) =>
    tfl.layers
      .batchNormalization()
      .apply(
        tfl.layers
          .conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false })
          .apply(x),
      );
  const relu = (x) => tfl.layers.reLU().apply(x);
  const block = (x, filters, strides) => {
    const a = relu(convBn(x, filters, 3, strides));
    const b = convBn(a, filters, 3, 1);
    const shortcut = strides === 1 ? x : convBn(x, filters, 1, strides);
    return relu(tfl.layers.add().apply([b, shortcut]));
  };
  let x = relu(convBn(input, 16, 3, 1));
  x = block(x, 16, 1);
  x = block(x, 32, 2);
  x = block(x, 64, 2);
  const output = tfl.layers
    .dense({ units: 10 })
    .apply(tfl.layers.globalAveragePooling2d({}).apply(x));
  return tfl.model({ inputs: input, outputs: output });
}

export const MODELS = {
  'small CNN': smallCnn,
  'NiN 1/4': () => nin(0.25),
  'small ResNet + BN': smallResnet,
};
