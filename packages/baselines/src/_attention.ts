import { type NeuronLayer, registerCustomLayers } from '@none/models';
import { readModelWeights, writeModelWeights } from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BaselineError } from './errors';

/**
 * The layers NAD distils by default: the post-activation outputs of the last `count` conv
 * layers of the model's neuron metadata (for the small CNN `conv1_act`, `conv2_act`; for a
 * residual net the activations after its last convs), or of its last `count` dense layers
 * when it has no conv layer (an MLP). In graph order.
 */
export function defaultAttentionLayers(neurons: readonly NeuronLayer[], count = 3): string[] {
  const pick = (kind: 'conv2d' | 'dense') => {
    const names: string[] = [];
    for (const neuron of neurons) {
      if (neuron.kind === kind && !names.includes(neuron.postActivation)) {
        names.push(neuron.postActivation);
      }
    }
    return names.slice(-count);
  };
  const conv = pick('conv2d');
  return conv.length > 0 ? conv : pick('dense');
}

/**
 * A model that shares `model`'s layers (and so its weights) and outputs its logits followed
 * by the outputs of `layers`. Not to be disposed (that would free the shared weights).
 */
export function withLayerOutputs(
  model: tfl.LayersModel,
  layers: readonly string[],
): tfl.LayersModel {
  const outputs = layers.map((name) => {
    let layer: tfl.layers.Layer;
    try {
      layer = model.getLayer(name);
    } catch (cause) {
      throw new BaselineError('E_NOT_FOUND', `runNad: the model has no layer ${name}`, { cause });
    }
    return layer.output as tfl.SymbolicTensor;
  });
  return tfl.model({ inputs: model.inputs, outputs: [model.outputs[0]!, ...outputs] });
}

/** A new model with `model`'s architecture and a copy of its weights; the caller disposes it. */
export async function cloneModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  registerCustomLayers();
  const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
  const clone = await tfl.models.modelFromJSON({ modelTopology: topology });
  writeModelWeights(clone, readModelWeights(model));
  return clone;
}
