import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelError } from './errors';
import type { NeuronConsumer, NeuronLayer } from './types';

type Layer = tfl.layers.Layer;

const ACTIVATION_CLASSES = new Set(['ReLU', 'LeakyReLU', 'ELU', 'NoneTanhshrink', 'PReLU']);
/** Layers that keep channel c in channel c (and so pass a neuron on unchanged in meaning). */
const CHANNEL_PRESERVING = new Set([
  'BatchNormalization',
  'Dropout',
  'NoneSeededDropout',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Add',
  'Flatten',
]);
const NEURON_CLASSES = new Set(['Conv2D', 'Dense']);

function activationOf(layer: Layer): string | undefined {
  const className = layer.getClassName();
  if (ACTIVATION_CLASSES.has(className)) return className;
  if (className === 'Activation') {
    const activation = String(layer.getConfig().activation);
    return activation === 'linear' || activation === 'softmax' ? undefined : activation;
  }
  return undefined;
}

function outboundLayers(layer: Layer, inModel: Set<Layer>): Layer[] {
  const result: Layer[] = [];
  for (const node of layer.outboundNodes) {
    const next = node.outboundLayer;
    if (next && inModel.has(next) && !result.includes(next)) result.push(next);
  }
  return result;
}

function unsupported(layer: Layer, from: string): ModelError {
  return new ModelError(
    'E_UNSUPPORTED_LAYER',
    `describeNeurons: layer ${layer.name} (${layer.getClassName()}) reads the channels of ${from}, ` +
      'but it is not a layer whose channel mapping is known (conv, dense, BatchNorm, activation, ' +
      'dropout, pooling, add, flatten)',
  );
}

/**
 * Finds the probe-able neurons of any tfjs LayersModel from its graph: every Conv2D or
 * Dense layer that is followed by an activation and read by another conv/dense layer (so
 * the logits layer is not one). For each it names where the pre-activation value is read,
 * the first activation, the BatchNorm to reset with it and the layers that read its
 * channels. No per-architecture list is involved: the trainer and the probe rely on this.
 *
 * @throws {ModelError} `E_UNSUPPORTED_LAYER` when a conv/dense layer fuses a non-linear
 * activation (its pre-activation value is not observable; build it with `activation:
 * 'linear'` followed by an activation layer) or its channels flow into a layer whose
 * channel mapping is unknown (e.g. Concatenate, Reshape).
 */
export function describeNeurons(model: tfl.LayersModel): NeuronLayer[] {
  const inModel = new Set<Layer>(model.layers);
  const neurons: NeuronLayer[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (!NEURON_CLASSES.has(className)) continue;
    const fused = String(layer.getConfig().activation ?? 'linear');
    const kind = className === 'Conv2D' ? 'conv2d' : 'dense';
    const width = Number(layer.getConfig()[kind === 'conv2d' ? 'filters' : 'units']);

    // The layer's own W^T x + b: the layer, or its BatchNorm when one follows directly.
    let preActivation = layer.name;
    let batchNorm: string | undefined;
    const direct = outboundLayers(layer, inModel);
    if (direct.length === 1 && direct[0]!.getClassName() === 'BatchNormalization') {
      batchNorm = direct[0]!.name;
      preActivation = batchNorm;
    }

    // Breadth-first through channel-preserving layers: the first activation, and every
    // conv/dense layer that reads these channels.
    let postActivation: string | undefined;
    const consumers: NeuronConsumer[] = [];
    const seen = new Set<Layer>([layer]);
    const queue: Array<{ at: Layer; positions: number }> = [{ at: layer, positions: 1 }];
    while (queue.length > 0) {
      const { at, positions } = queue.shift()!;
      for (const next of outboundLayers(at, inModel)) {
        if (seen.has(next)) continue;
        seen.add(next);
        const nextClass = next.getClassName();
        if (NEURON_CLASSES.has(nextClass)) {
          consumers.push({
            layer: next.name,
            kind: nextClass === 'Conv2D' ? 'conv2d' : 'dense',
            positionsPerChannel: positions,
            channels: width,
          });
          continue;
        }
        if (activationOf(next) !== undefined) {
          postActivation ??= next.name;
          queue.push({ at: next, positions });
          continue;
        }
        if (nextClass === 'Activation' || CHANNEL_PRESERVING.has(nextClass)) {
          let nextPositions = positions;
          if (nextClass === 'Flatten') {
            const shape = (next.input as tfl.SymbolicTensor).shape;
            nextPositions = shape.slice(1, -1).reduce((a: number, b) => a * Number(b), 1);
          }
          queue.push({ at: next, positions: nextPositions });
          continue;
        }
        throw unsupported(next, layer.name);
      }
    }
    // A hidden layer with a fused activation (not the output's softmax): its pre-activation
    // is not a tensor of the graph. Said before anything is skipped, naming the layer.
    if (fused !== 'linear' && consumers.length > 0) {
      throw new ModelError(
        'E_UNSUPPORTED_LAYER',
        `describeNeurons: layer ${layer.name} fuses activation '${fused}', so its pre-activation ` +
          "value cannot be read; pass the model through prepareUserModel (which splits it), or build it with activation 'linear' followed by an activation layer",
      );
    }
    if (postActivation === undefined || consumers.length === 0) continue;
    neurons.push({
      layer: layer.name,
      kind,
      width,
      preActivation,
      postActivation,
      ...(batchNorm === undefined ? {} : { batchNorm }),
      consumers,
    });
  }
  return neurons;
}
