import type * as tfl from '@tensorflow/tfjs-layers';
import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

/** Blocks per stage of the CIFAR ResNets (He et al., 2016). */
export const RESNET_BLOCKS = { resnet18: [2, 2, 2, 2], resnet34: [3, 4, 6, 3] } as const;

/**
 * CIFAR-style ResNet with BasicBlocks (the layout of the paper's PyTorch models): a 3x3
 * stem conv (64) with BatchNorm, four stages of 64/128/256/512 channels with strides
 * 1/2/2/2, 1x1 stride-2 conv + BatchNorm shortcuts where the shape changes, global average
 * pooling, one linear classifier. Convs have no bias. At width 1, 32x32x3, 10 classes:
 * ResNet18 11,173,962 trainable parameters, ResNet34 21,282,122.
 */
function buildResnet(depth: keyof typeof RESNET_BLOCKS, options: ModelBuildOptions): BuiltModel {
  const resolved = resolveBuildOptions(depth, options, 3);
  const b = new NetworkBuilder(resolved.seed, resolved.activation);
  const input = b.input(resolved.inputShape);
  let x = b.conv(input, 'stem_conv', scaleChannels(64, resolved.width), 3, { useBias: false });
  x = b.batchNorm(x, 'stem_bn');
  x = b.act(x, 'stem_act');
  let inChannels = scaleChannels(64, resolved.width);
  RESNET_BLOCKS[depth].forEach((blocks, stage) => {
    const channels = scaleChannels(64 * 2 ** stage, resolved.width);
    for (let block = 0; block < blocks; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      x = basicBlock(b, x, `stage${stage + 1}_block${block + 1}`, inChannels, channels, stride);
      inChannels = channels;
    }
  });
  x = b.globalAvgPool(x, 'global_pool');
  const logits = b.dense(x, 'logits', resolved.numClasses);
  return finishModel(b.model(input, logits, depth), depth, resolved);
}

function basicBlock(
  b: NetworkBuilder,
  input: tfl.SymbolicTensor,
  name: string,
  inChannels: number,
  channels: number,
  stride: number,
): tfl.SymbolicTensor {
  let x = b.conv(input, `${name}_conv1`, channels, 3, { strides: stride, useBias: false });
  x = b.batchNorm(x, `${name}_bn1`);
  x = b.act(x, `${name}_act1`);
  x = b.conv(x, `${name}_conv2`, channels, 3, { useBias: false });
  x = b.batchNorm(x, `${name}_bn2`);
  let shortcut = input;
  if (stride !== 1 || inChannels !== channels) {
    shortcut = b.conv(input, `${name}_shortcut`, channels, 1, { strides: stride, useBias: false });
    shortcut = b.batchNorm(shortcut, `${name}_shortcut_bn`);
  }
  x = b.add([x, shortcut], `${name}_add`);
  return b.act(x, `${name}_act2`);
}

/** ResNet18 (see `RESNET_BLOCKS`). @example buildResnet18({ inputShape: [28, 28, 1], numClasses: 10, width: 0.25 }) */
export function buildResnet18(options: ModelBuildOptions): BuiltModel {
  return buildResnet('resnet18', options);
}

/** ResNet34 (see `RESNET_BLOCKS`). @example buildResnet34({ inputShape: [32, 32, 3], numClasses: 10 }) */
export function buildResnet34(options: ModelBuildOptions): BuiltModel {
  return buildResnet('resnet34', options);
}
