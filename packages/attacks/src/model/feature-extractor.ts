import * as tfl from '@tensorflow/tfjs-layers';
import { invalid } from '../_validate';

/** Options of {@link featureExtractorOf}. */
export interface FeatureExtractorOptions {
  /**
   * Name of the layer whose output is the feature. @default the input of the model's last
   * Dense layer (the penultimate representation)
   */
  layer?: string;
}

/**
 * The feature extractor of a classifier: a `tf.model` from the model's input to the input
 * of its last Dense layer (the penultimate representation, before the logits/softmax), or
 * to the output of the named `layer`. It **shares the model's weights** (fine-tuning the
 * model changes it too). Do not `dispose()` it: that would release weights the model still
 * uses; dispose the model instead.
 *
 * @example
 * ```ts
 * const features = featureExtractorOf(model); // e.g. [null, 32] for the test CNN
 * const poisons = hiddenTriggerPoison(features, { ... });
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for something that is not a LayersModel, a
 * model without a Dense layer or an unknown layer name.
 */
export function featureExtractorOf(
  model: tfl.LayersModel,
  options: FeatureExtractorOptions = {},
): tfl.LayersModel {
  const fn = 'featureExtractorOf';
  if (
    typeof model !== 'object' ||
    model === null ||
    !Array.isArray((model as { layers?: unknown }).layers) ||
    !Array.isArray((model as { inputs?: unknown }).inputs)
  ) {
    throw invalid(
      `${fn}: model must be a built tfjs LayersModel (tf.model or tf.sequential with an inputShape), got ${model === null ? 'null' : typeof model}`,
    );
  }
  let output: tfl.SymbolicTensor | tfl.SymbolicTensor[];
  if (options.layer !== undefined) {
    const layer = model.layers.find((l) => l.name === options.layer);
    if (layer === undefined) {
      throw invalid(
        `${fn}: layer must name a layer of the model (${model.layers.map((l) => l.name).join(', ')}), got ${JSON.stringify(options.layer)}`,
      );
    }
    output = layer.output;
  } else {
    let dense: tfl.layers.Layer | undefined;
    for (const layer of model.layers) if (layer.getClassName() === 'Dense') dense = layer;
    if (dense === undefined) {
      throw invalid(
        `${fn}: model has no Dense layer to cut before; name the feature layer with options.layer`,
      );
    }
    output = dense.input;
  }
  return tfl.model({ inputs: model.inputs, outputs: output, name: `${model.name}_features` });
}
