import type * as tfl from '@tensorflow/tfjs-layers';
import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

export interface WrnOptions extends ModelBuildOptions {
  /** Widen factor k of WRN-16-k. @default 1 */
  widenFactor?: number;
  /** Dropout between the two convs of a block. @default 0 */
  dropout?: number;
}

/** Depth of the wide ResNet: 16 = 3 groups x 2 blocks x 2 convs + 4. */
export const WRN_DEPTH = 16;

/**
 * Wide ResNet WRN-16-k (Zagoruyko & Komodakis, 2016), the model NAD and ABL use:
 * a 3x3 stem conv (16), three groups of two pre-activation blocks (BN-act-conv3x3-BN-act-
 * conv3x3) of 16k/32k/64k channels with strides 1/2/2 and 1x1 conv shortcuts where the
 * shape changes, then BN-act, global average pooling and a linear classifier. Convs have
 * no bias. At width 1, 32x32x3, 10 classes: WRN-16-1 175,066 trainable parameters,
 * WRN-16-4 2,748,890.
 *
 * @example buildWrn16({ inputShape: [32, 32, 3], numClasses: 10, widenFactor: 1 })
 */
export function buildWrn16(options: WrnOptions): BuiltModel {
  const resolved = resolveBuildOptions('wrn16', options, 3);
  const widenFactor = options.widenFactor ?? 1;
  const dropout = options.dropout ?? 0;
  const blocksPerGroup = (WRN_DEPTH - 4) / 6;
  const b = new NetworkBuilder(resolved.seed, resolved.activation);
  const input = b.input(resolved.inputShape);
  let inChannels = scaleChannels(16, resolved.width);
  let x = b.conv(input, 'stem_conv', inChannels, 3, { useBias: false });
  for (let group = 0; group < 3; group++) {
    const channels = scaleChannels(16 * widenFactor * 2 ** group, resolved.width);
    for (let block = 0; block < blocksPerGroup; block++) {
      const stride = group > 0 && block === 0 ? 2 : 1;
      const name = `group${group + 1}_block${block + 1}`;
      x = preActivationBlock(b, x, name, inChannels, channels, stride, dropout);
      inChannels = channels;
    }
  }
  x = b.batchNorm(x, 'final_bn');
  x = b.act(x, 'final_act');
  x = b.globalAvgPool(x, 'global_pool');
  const logits = b.dense(x, 'logits', resolved.numClasses);
  const built = finishModel(b.model(input, logits, 'wrn16'), 'wrn16', resolved);
  built.metadata.options = { ...resolved, widenFactor, dropout };
  return built;
}

function preActivationBlock(
  b: NetworkBuilder,
  input: tfl.SymbolicTensor,
  name: string,
  inChannels: number,
  channels: number,
  stride: number,
  dropout: number,
): tfl.SymbolicTensor {
  const equalInOut = inChannels === channels && stride === 1;
  const activated = b.act(b.batchNorm(input, `${name}_bn1`), `${name}_act1`);
  let x = b.conv(activated, `${name}_conv1`, channels, 3, { strides: stride, useBias: false });
  x = b.act(b.batchNorm(x, `${name}_bn2`), `${name}_act2`);
  if (dropout > 0) x = b.dropout(x, `${name}_dropout`, dropout);
  x = b.conv(x, `${name}_conv2`, channels, 3, { useBias: false });
  const shortcut = equalInOut
    ? input
    : b.conv(activated, `${name}_shortcut`, channels, 1, { strides: stride, useBias: false });
  return b.add([x, shortcut], `${name}_add`);
}
