import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import type { Architecture } from './types';

// Parameter counts of the PyTorch originals, computed from the architecture definitions
// (no tfjs involved): conv = k*k*in*out (+ out with bias), BatchNorm = 2*C trainable
// (weight, bias; running stats are buffers), linear = in*out + out.
const conv = (k: number, cin: number, cout: number, bias = true) =>
  k * k * cin * cout + (bias ? cout : 0);
const bn = (c: number) => 2 * c;
const linear = (cin: number, cout: number) => cin * cout + cout;

function ninCount(cin: number, classes: number): number {
  return (
    conv(5, cin, 192) +
    conv(1, 192, 160) +
    conv(1, 160, 96) +
    conv(5, 96, 192) +
    conv(1, 192, 192) +
    conv(1, 192, 192) +
    conv(3, 192, 192) +
    conv(1, 192, 192) +
    conv(1, 192, classes)
  );
}

function vggCount(
  config: Array<number | 'M'>,
  cin: number,
  classes: number,
  withBn: boolean,
): number {
  let total = 0;
  let channels = cin;
  for (const item of config) {
    if (item === 'M') continue;
    total += conv(3, channels, item) + (withBn ? bn(item) : 0); // torchvision keeps the bias with BN
    channels = item;
  }
  return total + linear(channels, classes);
}

function resnetCount(blocks: number[], cin: number, classes: number): number {
  let total = conv(3, cin, 64, false) + bn(64);
  let inPlanes = 64;
  blocks.forEach((count, stage) => {
    const planes = 64 * 2 ** stage;
    for (let b = 0; b < count; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      total +=
        conv(3, inPlanes, planes, false) + bn(planes) + conv(3, planes, planes, false) + bn(planes);
      if (stride !== 1 || inPlanes !== planes)
        total += conv(1, inPlanes, planes, false) + bn(planes);
      inPlanes = planes;
    }
  });
  return total + linear(512, classes);
}

function wrnCount(k: number, cin: number, classes: number): number {
  let total = conv(3, cin, 16, false);
  let inPlanes = 16;
  for (let group = 0; group < 3; group++) {
    const planes = 16 * k * 2 ** group;
    for (let b = 0; b < 2; b++) {
      const stride = group > 0 && b === 0 ? 2 : 1;
      total +=
        bn(inPlanes) +
        conv(3, inPlanes, planes, false) +
        bn(planes) +
        conv(3, planes, planes, false);
      if (stride !== 1 || inPlanes !== planes) total += conv(1, inPlanes, planes, false);
      inPlanes = planes;
    }
  }
  return total + bn(inPlanes) + linear(inPlanes, classes);
}

function trainableCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce(
    (sum, w) => sum + w.shape.reduce((a: number, b) => a * Number(b), 1),
    0,
  );
}

const VGG11 = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] as Array<
  number | 'M'
>;
const VGG16 = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  'M',
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
  'M',
] as Array<number | 'M'>;

describe('parameter counts at width 1 equal the PyTorch originals (32x32x3, 10 classes)', () => {
  const cases: Array<[Architecture, Record<string, unknown>, number, number]> = [
    // [architecture, extra options, count from the definition, published/known PyTorch count]
    ['nin', {}, ninCount(3, 10), 966_986],
    ['vgg11', {}, vggCount(VGG11, 3, 10, false), 9_225_610],
    ['vgg11', { batchNorm: true }, vggCount(VGG11, 3, 10, true), 9_231_114],
    ['vgg16', {}, vggCount(VGG16, 3, 10, false), 14_719_818],
    ['resnet18', {}, resnetCount([2, 2, 2, 2], 3, 10), 11_173_962],
    ['resnet34', {}, resnetCount([3, 4, 6, 3], 3, 10), 21_282_122],
    ['wrn16', { widenFactor: 1 }, wrnCount(1, 3, 10), 175_066],
    ['wrn16', { widenFactor: 4 }, wrnCount(4, 3, 10), 2_748_890],
  ];
  it.each(cases)(
    '%s %j has the expected trainable parameters',
    (architecture, extra, fromDefinition, published) => {
      expect(fromDefinition).toBe(published);
      const { model } = buildModel({
        architecture,
        inputShape: [32, 32, 3],
        numClasses: 10,
        ...extra,
      });
      expect(trainableCount(model)).toBe(published);
      model.dispose();
    },
  );

  it('counts the MLP (5 x 100) and the small CNN from their definitions', () => {
    const mlp = buildModel({ architecture: 'mlp', inputShape: [2], numClasses: 5 });
    expect(trainableCount(mlp.model)).toBe(linear(2, 100) + 4 * linear(100, 100) + linear(100, 5));
    const cnn = buildModel({ architecture: 'small-cnn', inputShape: [28, 28, 1], numClasses: 10 });
    expect(trainableCount(cnn.model)).toBe(
      conv(3, 1, 16) + conv(3, 16, 32) + linear(7 * 7 * 32, 64) + linear(64, 10),
    );
    expect(trainableCount(cnn.model)).toBe(105_866);
    mlp.model.dispose();
    cnn.model.dispose();
  });

  it('counts AlexNet on 32x32 from its definition (5x5 first conv, three 3/2 pools)', () => {
    const { model } = buildModel({
      architecture: 'alexnet',
      inputShape: [32, 32, 3],
      numClasses: 10,
    });
    // 32 -> pool 15 -> pool 7 -> pool 3: the classifier reads 3*3*256 values.
    const expected =
      conv(5, 3, 64) +
      conv(5, 64, 192) +
      conv(3, 192, 384) +
      conv(3, 384, 256) +
      conv(3, 256, 256) +
      linear(3 * 3 * 256, 4096) +
      linear(4096, 4096) +
      linear(4096, 10);
    expect(trainableCount(model)).toBe(expected);
    model.dispose();
  });
});
