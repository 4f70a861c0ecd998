import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

/** VGG configurations (Simonyan & Zisserman, 2015): numbers are conv widths, 'M' a 2x2 max-pool. */
export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const satisfies Record<string, ReadonlyArray<number | 'M'>>;

export interface VggOptions extends ModelBuildOptions {
  /**
   * A BatchNorm after every conv (torchvision's `vgg*_bn`). The NONE authors' VGG has none.
   * @default false
   */
  batchNorm?: boolean;
}

/**
 * CIFAR-style VGG: 3x3 `same` convs with the activation, 2x2 max-pools (skipped once the map
 * is 1x1, so 28x28 inputs work), global average pooling and one linear classifier (as the
 * NONE authors' code: `classifier = Linear(512, classes)`). At width 1, 32x32x3, 10 classes:
 * VGG11 9,225,610 parameters (9,231,114 with BatchNorm, which keeps the conv bias as
 * torchvision does), VGG16 14,719,818 (14,728,266).
 */
function buildVgg(depth: keyof typeof VGG_CONFIGS, options: VggOptions): BuiltModel {
  const resolved = resolveBuildOptions(depth, options, 3);
  const batchNorm = options.batchNorm ?? false;
  const b = new NetworkBuilder(resolved.seed, resolved.activation);
  const input = b.input(resolved.inputShape);
  let x = input;
  let size = Math.min(resolved.inputShape[0]!, resolved.inputShape[1]!);
  let conv = 0;
  let pool = 0;
  for (const item of VGG_CONFIGS[depth]) {
    if (item === 'M') {
      pool += 1;
      if (size >= 2) {
        x = b.maxPool(x, `pool${pool}`, 2, 2, 'valid');
        size = Math.floor(size / 2);
      }
      continue;
    }
    conv += 1;
    const name = `conv${conv}`;
    x = b.conv(x, name, scaleChannels(item, resolved.width), 3);
    if (batchNorm) x = b.batchNorm(x, `${name}_bn`);
    x = b.act(x, `${name}_act`);
  }
  x = b.globalAvgPool(x, 'global_pool');
  const logits = b.dense(x, 'logits', resolved.numClasses);
  const built = finishModel(b.model(input, logits, depth), depth, resolved);
  built.metadata.options = { ...resolved, batchNorm };
  return built;
}

/** VGG11 (see `VGG_CONFIGS`). @example buildVgg11({ inputShape: [28, 28, 1], numClasses: 10, width: 0.25 }) */
export function buildVgg11(options: VggOptions): BuiltModel {
  return buildVgg('vgg11', options);
}

/** VGG16 (see `VGG_CONFIGS`). @example buildVgg16({ inputShape: [32, 32, 3], numClasses: 10 }) */
export function buildVgg16(options: VggOptions): BuiltModel {
  return buildVgg('vgg16', options);
}
