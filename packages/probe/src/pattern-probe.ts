import type { NeuronLayer } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildProbeGraph, checkProbeInput, type ProbeInput, probeBatch } from './_probe-graph';
import { ProbeError } from './errors';

export interface PatternProbeOptions {
  /** Which layers: `'auto'` = every neuron layer of the model (`describeNeurons`), or names. @default 'auto' */
  layers?: 'auto' | readonly string[];
  /** The model's neuron metadata; computed from the graph when omitted. */
  neurons?: readonly NeuronLayer[];
  /**
   * A conv map larger than this many positions per side is max-pooled down to it first (a
   * cell is on when its largest pre-activation is positive), bounding memory at
   * `n x maxSide² x channels` bytes per layer. @default 16
   */
  maxSide?: number;
  /** Samples per forward pass. @default 256 */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** One layer's activation patterns: which linear piece each unit sits on, per sample. */
export interface LayerPattern {
  layer: string;
  /** Units per sample: positions x channels of a conv layer (NHWC order), or a dense layer's width. */
  units: number;
  /** Channels (conv) or units (dense): unit `u` belongs to channel `u % channels`. */
  channels: number;
  /** Row-major `[n, units]`: 1 where the pre-activation is positive (ReLU's linear piece), else 0. */
  bits: Uint8Array;
}

export interface PatternProbeResult {
  n: number;
  layers: LayerPattern[];
}

/**
 * Reads the activation pattern of a LayersModel on a dataset: for every unit of the probed
 * layers (each channel at each position of a conv map, each unit of a dense layer), whether
 * its pre-activation `W^T x + b` is positive. For a ReLU network this pattern is the
 * sample's linear region; the paper's trojan neurons are units a sub-population of samples
 * holds on one piece. One inference-mode pass, streamed in batches.
 *
 * @example
 * const { layers } = await collectPatterns(model, train, { layers: ['conv2', 'fc1'] });
 * @throws {ProbeError} `E_NOT_FOUND` for a layer the model lacks, `E_SHAPE_MISMATCH` for input of another shape.
 */
export async function collectPatterns(
  model: tfl.LayersModel,
  input: ProbeInput,
  options: PatternProbeOptions = {},
): Promise<PatternProbeResult> {
  const { layers = 'auto', maxSide = 16, batchSize = 256, onProgress } = options;
  if (!Number.isInteger(maxSide) || maxSide < 1) {
    throw new ProbeError(
      'E_INVALID_ARGUMENT',
      `collectPatterns: maxSide must be a positive integer, got ${maxSide}`,
    );
  }
  const graph = buildProbeGraph(model, 'collectPatterns', layers, 'pre', options.neurons);
  const sampleShape = checkProbeInput(model, input, batchSize);
  const pools = graph.outputs.map((o) => {
    const shape = o.shape.slice(1) as number[];
    if (shape.length !== 3) return { factor: [1, 1] as [number, number], units: shape[0]! };
    const factor = shape.slice(0, 2).map((s) => Math.ceil(s / maxSide)) as [number, number];
    const cells = Math.ceil(shape[0]! / factor[0]) * Math.ceil(shape[1]! / factor[1]);
    return { factor, units: cells * shape[2]! };
  });
  const n = input.shape[0]!;
  const bits = pools.map((p) => new Uint8Array(n * p.units));
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const on = tf.tidy(() => {
      const results = graph.model.predict(
        probeBatch(input, sampleShape, start, size),
      ) as tf.Tensor[];
      return results.slice(0, -1).map((t, i) => {
        const { factor } = pools[i]!;
        const pooled =
          t.rank === 4 && (factor[0] > 1 || factor[1] > 1)
            ? tf.maxPool(t as tf.Tensor4D, factor, factor, 'same')
            : t;
        return tf.greater(pooled, 0); // bool: its data is a Uint8Array of 0 and 1
      });
    });
    const data = await Promise.all(on.map((t) => t.data() as Promise<Uint8Array>));
    for (const t of on) t.dispose();
    data.forEach((values, i) => {
      bits[i]!.set(values, start * pools[i]!.units);
    });
    await onProgress?.(start + size, n);
  }
  return {
    n,
    layers: graph.names.map((layer, i) => {
      const shape = graph.outputs[i]!.shape;
      return {
        layer,
        units: pools[i]!.units,
        channels: Number(shape[shape.length - 1]),
        bits: bits[i]!,
      };
    }),
  };
}
