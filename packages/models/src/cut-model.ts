import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError } from './errors';

/** Options of {@link cutModel}. */
export interface CutModelOptions {
  /**
   * Name of the layer whose output is the cut (the features). @default the input of the
   * model's last Dense layer (the penultimate representation, before the logits)
   */
  layer?: string;
}

/** A model cut in two at one tensor, as {@link cutModel} returns it. */
export interface CutModel {
  /**
   * A `tf.model` from the model's inputs to the cut. It **shares the model's layers and
   * weights**: training the model changes it too. Do not `dispose()` it (that would release
   * weights the model still uses); dispose the model instead.
   */
  features: tfl.LayersModel;
  /** Shape of one sample's features, without the batch axis (e.g. `[64]`). */
  featureShape: number[];
  /**
   * The layer that maps the features to the model's output, when it is one layer and the
   * model's only output (the classifier head, e.g. the `logits` Dense layer):
   * `head.apply(features.predict(x))` is `model.predict(x)`. Undefined when more than one
   * layer follows the cut.
   */
  head?: tfl.layers.Layer;
}

function isLayersModel(model: unknown): model is tfl.LayersModel {
  return (
    typeof model === 'object' &&
    model !== null &&
    Array.isArray((model as { layers?: unknown }).layers) &&
    Array.isArray((model as { inputs?: unknown }).inputs) &&
    Array.isArray((model as { outputs?: unknown }).outputs)
  );
}

/** The one output tensor of a layer called once, or a ModelError naming why not. */
function singleOutput(layer: tfl.layers.Layer, fn: string): tfl.SymbolicTensor {
  if (layer.inboundNodes.length !== 1) {
    throw new ModelError(
      'E_UNSUPPORTED_LAYER',
      `${fn}: layer ${layer.name} is called ${layer.inboundNodes.length} times in the model; cut at a layer called once`,
    );
  }
  const output = layer.output;
  if (Array.isArray(output)) {
    throw new ModelError(
      'E_UNSUPPORTED_LAYER',
      `${fn}: layer ${layer.name} has ${output.length} outputs; cut at a layer with one output`,
    );
  }
  return output;
}

/** The layer after the cut when it alone turns the cut into the model's only output. */
function headAfter(model: tfl.LayersModel, cut: tfl.SymbolicTensor): tfl.layers.Layer | undefined {
  if (model.outputs.length !== 1) return undefined;
  const output = model.outputs[0]!;
  const node = output.sourceLayer.inboundNodes[output.nodeIndex];
  if (node === undefined || node.inputTensors.length !== 1) return undefined;
  return node.inputTensors[0] === cut ? output.sourceLayer : undefined;
}

/**
 * Cuts a tfjs LayersModel at one tensor into a feature extractor (the model's input to the
 * cut) and, when one layer follows the cut, that head layer. By default the cut is the input
 * of the model's last Dense layer (the penultimate representation, before the logits); with
 * `layer`, the output of that layer. Both parts share the model's layers and weights. Works
 * on `tf.model` and on `tf.sequential` models built with an `inputShape`; the model is not
 * changed.
 *
 * @example
 * ```ts
 * const { model } = buildModel({ architecture: 'small-cnn', inputShape: [28, 28, 1], numClasses: 10 });
 * const { features, featureShape, head } = cutModel(model); // featureShape [64], head = 'logits'
 * const fc1 = cutModel(model, { layer: 'fc1_act' }).features; // the post-activation fc1 values
 * ```
 * @throws {ModelError} `E_INVALID_ARGUMENT` for something that is not a built LayersModel;
 * `E_NOT_FOUND` for an unknown `layer` name or, without `layer`, a model without a Dense layer;
 * `E_UNSUPPORTED_LAYER` for a cut at a layer that is shared or has several outputs.
 */
export function cutModel(model: tfl.LayersModel, options: CutModelOptions = {}): CutModel {
  const fn = 'cutModel';
  if (!isLayersModel(model)) {
    throw new ModelError(
      'E_INVALID_ARGUMENT',
      `${fn}: model must be a built tfjs LayersModel (tf.model or tf.sequential with an inputShape), got ${model === null ? 'null' : typeof model}`,
    );
  }
  let cut: tfl.SymbolicTensor;
  if (options.layer !== undefined) {
    const layer = model.layers.find((candidate) => candidate.name === options.layer);
    if (layer === undefined) {
      throw new ModelError(
        'E_NOT_FOUND',
        `${fn}: layer must name a layer of the model (${model.layers.map((l) => l.name).join(', ')}), got ${JSON.stringify(options.layer)}`,
      );
    }
    cut = singleOutput(layer, fn);
  } else {
    let dense: tfl.layers.Layer | undefined;
    for (const layer of model.layers) if (layer.getClassName() === 'Dense') dense = layer;
    if (dense === undefined) {
      throw new ModelError(
        'E_NOT_FOUND',
        `${fn}: model has no Dense layer to cut before; name the feature layer with options.layer`,
      );
    }
    singleOutput(dense, fn);
    cut = dense.input as tfl.SymbolicTensor;
  }
  const features = tfl.model({
    inputs: model.inputs,
    outputs: cut,
    name: `${model.name}_features`,
  });
  const featureShape = cut.shape.slice(1).map(Number);
  const head = headAfter(model, cut);
  return head === undefined ? { features, featureShape } : { features, featureShape, head };
}
