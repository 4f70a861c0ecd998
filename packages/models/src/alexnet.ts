import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

/** Dropout rate before the two hidden classifier layers (as in AlexNet). */
export const ALEXNET_DROPOUT = 0.5;

/**
 * AlexNet (Krizhevsky et al., 2012) scaled to the input size. Inputs of at least 128 px get
 * the torchvision feature extractor (conv 11x11/4 (64), maxpool 3/2, conv 5x5 (192),
 * maxpool 3/2, conv 3x3 384/256/256, maxpool 3/2); smaller inputs (MNIST, CIFAR, GTSRB) use
 * a 5x5 stride-1 first conv and keep a max-pool only while the map is at least 3 px. The
 * classifier is torchvision's (dropout, fc 4096, act, dropout, fc 4096, act, fc classes)
 * over the flattened feature map, with hidden widths scaled by `width` as well.
 */
export function buildAlexnet(options: ModelBuildOptions): BuiltModel {
  const resolved = resolveBuildOptions('alexnet', options, 3);
  const { width } = resolved;
  const b = new NetworkBuilder(resolved.seed, resolved.activation);
  const input = b.input(resolved.inputShape);
  let size = Math.min(resolved.inputShape[0]!, resolved.inputShape[1]!);
  const large = size >= 128;
  let x = b.conv(input, 'conv1', scaleChannels(64, width), large ? 11 : 5, {
    strides: large ? 4 : 1,
  });
  size = large ? Math.ceil(size / 4) : size;
  x = b.act(x, 'conv1_act');
  const pool = (name: string) => {
    if (size < 3) return;
    x = b.maxPool(x, name, 3, 2, 'valid');
    size = Math.floor((size - 3) / 2) + 1;
  };
  pool('pool1');
  x = b.act(b.conv(x, 'conv2', scaleChannels(192, width), 5), 'conv2_act');
  pool('pool2');
  x = b.act(b.conv(x, 'conv3', scaleChannels(384, width), 3), 'conv3_act');
  x = b.act(b.conv(x, 'conv4', scaleChannels(256, width), 3), 'conv4_act');
  x = b.act(b.conv(x, 'conv5', scaleChannels(256, width), 3), 'conv5_act');
  pool('pool3');
  x = b.flatten(x, 'flatten');
  x = b.dropout(x, 'fc1_dropout', ALEXNET_DROPOUT);
  x = b.act(b.dense(x, 'fc1', scaleChannels(4096, width)), 'fc1_act');
  x = b.dropout(x, 'fc2_dropout', ALEXNET_DROPOUT);
  x = b.act(b.dense(x, 'fc2', scaleChannels(4096, width)), 'fc2_act');
  const logits = b.dense(x, 'logits', resolved.numClasses);
  return finishModel(b.model(input, logits, 'alexnet'), 'alexnet', resolved);
}
