import type * as tfl from '@tensorflow/tfjs-layers';
import { describeNeurons } from './describe-neurons';
import type { Architecture, BuiltModel, ModelBuildOptions } from './types';

export function finishModel(
  model: tfl.LayersModel,
  architecture: Architecture,
  options: Required<ModelBuildOptions>,
): BuiltModel {
  return {
    model,
    metadata: { format: 1, architecture, options, neurons: describeNeurons(model) },
  };
}
