import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

/**
 * A small CNN for MNIST-sized inputs: conv3x3(16)-maxpool-conv3x3(32)-maxpool-dense(64)-
 * dense(classes), `same` padding. 105,866 parameters on 28x28x1 with 10 classes.
 *
 * @example
 * const { model, metadata } = buildSmallCnn({ inputShape: [28, 28, 1], numClasses: 10 });
 */
export function buildSmallCnn(options: ModelBuildOptions): BuiltModel {
  const resolved = resolveBuildOptions('small-cnn', options, 3);
  const { width } = resolved;
  const b = new NetworkBuilder(resolved.seed, resolved.activation);
  const input = b.input(resolved.inputShape);
  let x = b.conv(input, 'conv1', scaleChannels(16, width), 3);
  x = b.act(x, 'conv1_act');
  x = b.maxPool(x, 'pool1', 2, 2, 'same');
  x = b.conv(x, 'conv2', scaleChannels(32, width), 3);
  x = b.act(x, 'conv2_act');
  x = b.maxPool(x, 'pool2', 2, 2, 'same');
  x = b.flatten(x, 'flatten');
  x = b.dense(x, 'fc1', scaleChannels(64, width));
  x = b.act(x, 'fc1_act');
  const logits = b.dense(x, 'logits', resolved.numClasses);
  return finishModel(b.model(input, logits, 'small_cnn'), 'small-cnn', resolved);
}
