import { buildAlexnet } from './alexnet';
import { ModelError } from './errors';
import { buildMlp } from './mlp';
import { ARCHITECTURES } from './names';
import { buildNin } from './nin';
import { buildResnet18, buildResnet34 } from './resnet';
import { buildSmallCnn } from './small-cnn';
import type { Architecture, BuiltModel, ModelBuildOptions } from './types';
import { buildVgg11, buildVgg16, type VggOptions } from './vgg';
import { buildWrn16, type WrnOptions } from './wrn';

/** Options of `buildModel`: the architecture plus its builder's options. */
export type ModelOptions = ModelBuildOptions &
  Pick<VggOptions, 'batchNorm'> &
  Pick<WrnOptions, 'widenFactor' | 'dropout'> & { architecture: Architecture };

const BUILDERS: Record<Architecture, (options: ModelOptions) => BuiltModel> = {
  mlp: buildMlp,
  'small-cnn': buildSmallCnn,
  nin: buildNin,
  vgg11: buildVgg11,
  vgg16: buildVgg16,
  resnet18: buildResnet18,
  resnet34: buildResnet34,
  wrn16: buildWrn16,
  alexnet: buildAlexnet,
};

/**
 * Builds any of the paper's models by name: the entry point for configs.
 *
 * @example
 * const { model, metadata } = buildModel({
 *   architecture: 'nin', inputShape: [28, 28, 1], numClasses: 10, width: 0.25, seed: 1,
 * });
 * metadata.neurons.map((n) => `${n.layer}:${n.width}`); // ['block1_conva:48', ...]
 */
export function buildModel(options: ModelOptions): BuiltModel {
  const builder = BUILDERS[options.architecture];
  if (builder === undefined) {
    throw new ModelError(
      'E_UNKNOWN_ARCHITECTURE',
      `buildModel: architecture must be one of ${ARCHITECTURES.join(', ')}, got ${String(options.architecture)}`,
    );
  }
  return builder(options);
}
