import { NetworkBuilder, scaleChannels } from './_builder';
import { finishModel } from './_finish';
import { resolveBuildOptions } from './_resolve-options';
import type { BuiltModel, ModelBuildOptions } from './types';

/** Hidden layers and units of the paper's MLP (§8.1, Fig. 4: five layers of 100). */
export const MLP_HIDDEN_LAYERS = 5;
export const MLP_HIDDEN_UNITS = 100;

/**
 * The 5 x 100 multilayer perceptron of §8.1 (decision regions on 2-D blobs, Fig. 4, 7).
 * Image inputs are flattened first.
 *
 * @example
 * const { model } = buildMlp({ inputShape: [2], numClasses: 5, seed: 0 });
 */
export function buildMlp(options: ModelBuildOptions): BuiltModel {
  const resolved = resolveBuildOptions('mlp', options);
  const b = new NetworkBuilder(resolved.seed, resolved.activation);
  const input = b.input(resolved.inputShape);
  let x = resolved.inputShape.length > 1 ? b.flatten(input, 'flatten') : input;
  for (let i = 1; i <= MLP_HIDDEN_LAYERS; i++) {
    x = b.dense(x, `fc${i}`, scaleChannels(MLP_HIDDEN_UNITS, resolved.width));
    x = b.act(x, `fc${i}_act`);
  }
  const logits = b.dense(x, 'logits', resolved.numClasses);
  return finishModel(b.model(input, logits, 'mlp'), 'mlp', resolved);
}
