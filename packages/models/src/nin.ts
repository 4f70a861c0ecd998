import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

/** Dropout rate after the first two NiN blocks. */
export const NIN_DROPOUT = 0.5;

/**
 * Network in Network (Lin et al., 2014) as in the NONE authors' code: three mlpconv
 * blocks, conv5x5(192)-1x1(160)-1x1(96), maxpool 3/2, dropout; conv5x5(192)-1x1(192)-
 * 1x1(192), avgpool 3/2, dropout; conv3x3(192)-1x1(192)-1x1(classes), each conv followed
 * by the activation, then global average pooling over the class maps. No BatchNorm; He
 * initialisation of the kernels.
 * 966,986 parameters at width 1 on 32x32x3 with 10 classes (the PyTorch original).
 *
 * @example
 * const { model } = buildNin({ inputShape: [28, 28, 1], numClasses: 10, width: 0.25 });
 */
export function buildNin(options: ModelBuildOptions): BuiltModel {
  const resolved = resolveBuildOptions('nin', options, 3);
  const { width } = resolved;
  // He initialisation: nine convs without BatchNorm do not train from PyTorch's default
  // init here (the loss stays at ln 10 for epochs); the original NiN used N(0, 0.05).
  const b = new NetworkBuilder(resolved.seed, resolved.activation, 'he');
  const c = (channels: number) => scaleChannels(channels, width);
  const input = b.input(resolved.inputShape);
  let x = input;
  const block = (index: number, channels: [number, number, number], kernel: number) => {
    const names = ['a', 'b', 'c'];
    channels.forEach((filters, i) => {
      const name = `block${index}_conv${names[i]}`;
      x = b.conv(x, name, filters, i === 0 ? kernel : 1);
      x = b.act(x, `${name}_act`);
    });
  };
  block(1, [c(192), c(160), c(96)], 5);
  x = b.maxPool(x, 'block1_pool', 3, 2, 'same');
  x = b.dropout(x, 'block1_dropout', NIN_DROPOUT);
  block(2, [c(192), c(192), c(192)], 5);
  x = b.avgPool(x, 'block2_pool', 3, 2, 'same');
  x = b.dropout(x, 'block2_dropout', NIN_DROPOUT);
  block(3, [c(192), c(192), resolved.numClasses], 3);
  const logits = b.globalAvgPool(x, 'global_pool');
  return finishModel(b.model(input, logits, 'nin'), 'nin', resolved);
}
