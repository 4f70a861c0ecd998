import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { drawInitializer } from './_initializers';
import { ModelError } from './errors';
import type { NeuronLayer } from './types';

/** How a reset treats a neuron. */
export type ResetMode = 'reinit' | 'zero';

export interface ResetNeuronsOptions {
  /**
   * `reinit` (the paper, Algorithm 1 lines 19-20): draw the neuron's incoming kernel slice
   * and bias afresh from the layer's own initializer (with a new seed) and restore its
   * BatchNorm channel to the initial state (scale 1, shift 0, moving mean 0, variance 1).
   * `zero` (the authors' code): set the incoming kernel slice, the bias and the BatchNorm
   * scale and shift of the channel to 0 and also the input slice of every layer that reads
   * the channel, so the neuron is cut out of the network.
   * @default 'reinit'
   */
  mode?: ResetMode;
  /** Seed of the `reinit` draw. @default 0 */
  seed?: number;
}

function getLayer(model: tfl.LayersModel, name: string): tfl.layers.Layer {
  try {
    return model.getLayer(name);
  } catch (cause) {
    throw new ModelError('E_NOT_FOUND', `resetNeurons: the model has no layer ${name}`, { cause });
  }
}

/** Applies `edit(values, shape)` to weight `index` of `layer`, in place of the old tensor. */
function editWeight(
  layer: tfl.layers.Layer,
  index: number,
  edit: (values: Float32Array, shape: number[]) => void,
): void {
  const weights = layer.getWeights();
  const target = weights[index];
  if (target === undefined) return;
  const values = target.dataSync().slice() as Float32Array;
  edit(values, target.shape);
  const replacement = tf.tensor(values, target.shape, 'float32');
  const all = weights.map((w, i) => (i === index ? replacement : w));
  layer.setWeights(all);
  replacement.dispose();
}

/** Sets `values[..., c] = source[..., c]` (or 0) for each c in channels: the last axis is the channel. */
function writeLastAxis(
  values: Float32Array,
  width: number,
  channels: readonly number[],
  source?: Float32Array,
): void {
  for (let offset = 0; offset < values.length; offset += width) {
    for (const c of channels) values[offset + c] = source === undefined ? 0 : source[offset + c]!;
  }
}

/**
 * Resets neurons (output channels) of the probe-able layers described by the model's
 * metadata. `selection` maps a layer name (a `NeuronLayer.layer`) to the channel indices to
 * reset. Weights change in place; no tensor is leaked.
 *
 * @throws {ModelError} `E_NOT_FOUND` for an unknown layer, `E_INVALID_ARGUMENT` for a channel
 * out of range.
 * @example
 * resetNeurons(model, metadata.neurons, { conv2: [3, 7] }, { mode: 'zero' });
 */
export function resetNeurons(
  model: tfl.LayersModel,
  neurons: readonly NeuronLayer[],
  selection: Readonly<Record<string, readonly number[]>>,
  options: ResetNeuronsOptions = {},
): void {
  const { mode = 'reinit', seed = 0 } = options;
  let draw = 0;
  for (const [layerName, channels] of Object.entries(selection)) {
    if (channels.length === 0) continue;
    const neuron = neurons.find((n) => n.layer === layerName);
    if (neuron === undefined) {
      throw new ModelError(
        'E_NOT_FOUND',
        `resetNeurons: ${layerName} is not a probe-able layer of the model metadata`,
      );
    }
    for (const c of channels) {
      if (!Number.isInteger(c) || c < 0 || c >= neuron.width) {
        throw new ModelError(
          'E_INVALID_ARGUMENT',
          `resetNeurons: channel of ${layerName} must be an integer in [0, ${neuron.width - 1}], got ${c}`,
        );
      }
    }
    const layer = getLayer(model, layerName);
    const useBias = layer.getConfig().useBias !== false;
    draw += 1;
    if (mode === 'reinit') {
      editWeight(layer, 0, (values, shape) => {
        const fresh = drawInitializer(layer, 'kernelInitializer', shape, seed * 7919 + draw);
        writeLastAxis(values, neuron.width, channels, fresh);
      });
      if (useBias) {
        editWeight(layer, 1, (values, shape) => {
          const fresh = drawInitializer(
            layer,
            'biasInitializer',
            shape,
            seed * 7919 + draw + 104729,
          );
          writeLastAxis(values, neuron.width, channels, fresh);
        });
      }
    } else {
      editWeight(layer, 0, (values) => writeLastAxis(values, neuron.width, channels));
      if (useBias) editWeight(layer, 1, (values) => writeLastAxis(values, neuron.width, channels));
    }
    if (neuron.batchNorm !== undefined) {
      const bn = getLayer(model, neuron.batchNorm);
      // tfjs BatchNormalization weights: [gamma, beta, movingMean, movingVariance].
      const initial = mode === 'reinit' ? [1, 0, 0, 1] : [0, 0, 0, 1];
      initial.forEach((value, index) => {
        editWeight(bn, index, (values) => {
          for (const c of channels) values[c] = value;
        });
      });
    }
    if (mode === 'zero') {
      for (const consumer of neuron.consumers) {
        const next = getLayer(model, consumer.layer);
        editWeight(next, 0, (values, shape) => {
          // conv kernel [kh, kw, inChannels, out]; dense kernel [inputs, out] where input
          // row p * C + c reads channel c at spatial position p (NHWC flatten order).
          const out = shape[shape.length - 1]!;
          const rows = values.length / out;
          const C = consumer.channels;
          for (let row = 0; row < rows; row++) {
            if (!channels.includes(row % C)) continue;
            values.fill(0, row * out, (row + 1) * out);
          }
        });
      }
    }
  }
}
