import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { drawInitializer } from './_initializers';
import { registerCustomLayers } from './activations';
import { describeNeurons } from './describe-neurons';
import { ModelError } from './errors';
import type { BuiltModel } from './types';

export interface UserModelOptions {
  /**
   * Redraw every weight from its layer's own initializer with seeds derived from this, so
   * that the same model and seed always start from the same weights (tfjs initializers are
   * unseeded by default). Omit to keep the model's current weights.
   */
  seed?: number;
}

type LayerJson = {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name: string; activation?: string };
  inbound_nodes?: unknown[];
};

const NEURON_CLASSES = new Set(['Conv2D', 'Dense']);

/**
 * A user's tfjs LayersModel made ready for NONE, as a new model (the given one is not
 * changed): an activation fused into a conv/dense layer (`activation: 'relu'`, the usual
 * tfjs idiom) is split into the linear layer and an `Activation` layer after it with the
 * same weights, so the probe can read the pre-activation `W^T x + b`; a final softmax is
 * dropped (NONE trains on logits); with `seed`, the initial weights are redrawn
 * reproducibly. Sequential and functional models both work; the weights keep their order,
 * so `userModel.setWeights(prepared.model.getWeights())` copies a trained result back.
 *
 * @example
 * const { model, metadata } = await prepareUserModel(myModel, { seed: 0 });
 * @throws {ModelError} `E_UNSUPPORTED_LAYER` for a fused layer that is shared (called more
 * than once), or a weight whose initializer cannot be redrawn under `seed`.
 */
export async function prepareUserModel(
  model: tfl.LayersModel,
  options: UserModelOptions = {},
): Promise<BuiltModel> {
  registerCustomLayers();
  const topology = model.toJSON(null, false) as unknown as {
    class_name: string;
    config: { layers: LayerJson[]; output_layers?: unknown[]; name?: string } | LayerJson[];
  };
  const functional = !Array.isArray(topology.config) && topology.class_name !== 'Sequential';
  const layers = Array.isArray(topology.config) ? topology.config : topology.config.layers;
  const outputs = functional
    ? outputLayerNames(topology.config as { output_layers: unknown[] })
    : [];
  const last = layers[layers.length - 1];
  const renamed = new Map<string, string>();
  const result: LayerJson[] = [];
  for (const layer of layers) {
    const name = layer.config.name;
    const isOutput = functional ? outputs.includes(name) : layer === last;
    // A final softmax: dropped, as a separate layer or fused into the last conv/dense.
    if (isOutput && isSoftmaxLayer(layer)) {
      const input = functional ? firstInboundName(layer) : result[result.length - 1]?.config.name;
      if (input !== undefined) {
        renamed.set(name, input);
        continue;
      }
    }
    const activation = layer.config.activation;
    if (
      !NEURON_CLASSES.has(layer.class_name) ||
      activation === undefined ||
      activation === 'linear'
    ) {
      result.push(layer);
      continue;
    }
    const linear = { ...layer, config: { ...layer.config, activation: 'linear' } };
    result.push(linear);
    if (isOutput && activation === 'softmax') continue;
    if (functional && (layer.inbound_nodes?.length ?? 0) > 1) {
      throw new ModelError(
        'E_UNSUPPORTED_LAYER',
        `prepareUserModel: layer ${name} fuses activation '${activation}' and is shared (called ${layer.inbound_nodes?.length} times); build it with activation 'linear' followed by an activation layer`,
      );
    }
    const activationName = `${name}_${activation}`;
    result.push({
      class_name: 'Activation',
      ...(functional ? { name: activationName, inbound_nodes: [[[name, 0, 0, {}]]] } : {}),
      config: { name: activationName, activation, trainable: true, dtype: 'float32' },
    });
    renamed.set(name, activationName);
  }
  if (functional) {
    for (const layer of result) {
      if (
        layer.class_name === 'Activation' &&
        renamed.get(firstInboundName(layer) ?? '') === layer.config.name
      )
        continue;
      layer.inbound_nodes = renameInbound(layer.inbound_nodes ?? [], renamed);
    }
    const config = topology.config as { output_layers: unknown[] };
    config.output_layers = renameInbound([config.output_layers], renamed)[0] as unknown[];
    (topology.config as { layers: LayerJson[] }).layers = result;
  } else if (Array.isArray(topology.config)) {
    topology.config = result;
  } else {
    topology.config.layers = result;
  }
  const prepared = (await tfl.models.modelFromJSON({
    modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
  } as tf.io.ModelJSON)) as tfl.LayersModel;
  prepared.setWeights(model.getWeights());
  if (options.seed !== undefined) redrawWeights(prepared, options.seed);
  return {
    model: prepared,
    metadata: { format: 1, architecture: 'custom', neurons: describeNeurons(prepared) },
  };
}

function isSoftmaxLayer(layer: LayerJson): boolean {
  return (
    layer.class_name === 'Softmax' ||
    (layer.class_name === 'Activation' && layer.config.activation === 'softmax')
  );
}

function outputLayerNames(config: { output_layers: unknown[] }): string[] {
  return (config.output_layers as unknown[][]).map((entry) => String(entry[0]));
}

function firstInboundName(layer: LayerJson): string | undefined {
  const node = layer.inbound_nodes?.[0] as unknown[][] | undefined;
  const first = node?.[0];
  return first === undefined ? undefined : String(first[0]);
}

/** Inbound node lists with every reference to a renamed layer pointing at its new name. */
function renameInbound(nodes: unknown[], renamed: Map<string, string>): unknown[] {
  return nodes.map((node) =>
    (node as unknown[][]).map((entry) => {
      const target = renamed.get(String(entry[0]));
      return target === undefined ? entry : [target, ...entry.slice(1)];
    }),
  );
}

/** Every weight drawn afresh from its layer's initializer, seeded per layer and weight. */
function redrawWeights(model: tfl.LayersModel, seed: number): void {
  model.layers.forEach((layer, layerIndex) => {
    const weights = layer.getWeights();
    if (weights.length === 0) return;
    const fresh = layer.weights.map((variable, w) => {
      const short = variable.originalName.split('/').pop() ?? variable.originalName;
      const key = `${short.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}Initializer`;
      const initializerKey = key === 'depthwiseKernelInitializer' ? 'depthwiseInitializer' : key;
      const shape = weights[w]!.shape;
      const mixed =
        (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) +
          Math.imul(layerIndex * 16 + w + 1, 0xc2b2ae35)) >>>
        1;
      return tf.tensor(
        drawInitializer(layer, initializerKey, shape, mixed, 'prepareUserModel'),
        shape,
      );
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  });
}
