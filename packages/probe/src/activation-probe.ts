import type { NeuronLayer } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildProbeGraph, checkProbeInput, type ProbeInput, probeBatch } from './_probe-graph';
import { ProbeError } from './errors';

export type { ProbeInput } from './_probe-graph';

export interface ActivationProbeOptions {
  /**
   * Which layers: `'auto'` = every probe-able neuron layer (`describeNeurons`), or names.
   * A name of a neuron layer (a conv/dense with an activation) is read at `point`; any
   * other layer name is read at its raw output.
   * @default 'auto'
   */
  layers?: 'auto' | readonly string[];
  /** Pre-activation (`W^T x + b`, the paper's `A_n`) or post-activation values. @default 'pre' */
  point?: 'pre' | 'post';
  /** Reduction over spatial positions of a conv channel. @default 'max' */
  reduce?: 'max' | 'mean';
  /** The model's neuron metadata; computed from the graph when omitted. */
  neurons?: readonly NeuronLayer[];
}

export interface CollectOptions {
  /** Samples per forward pass. @default 256 */
  batchSize?: number;
  /** Called after each batch with the number of samples done and the total. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** One probed layer's values: row i holds sample i's value of every neuron. */
export interface LayerActivations {
  layer: string;
  /** Neurons (channels or units) per sample. */
  neurons: number;
  /** Row-major `[n, neurons]`. */
  values: Float32Array;
}

export interface ActivationProbeResult {
  /** Number of samples. */
  n: number;
  /** Per probed layer, in the order of `probe.layers`. */
  layers: LayerActivations[];
  /** The model's softmax outputs from the same pass, row-major `[n, numClasses]`. */
  probabilities: Float32Array;
  numClasses: number;
}

export interface ActivationProbe {
  /** The probed layer names, in result order. */
  readonly layers: readonly string[];
  /** Streams `input` through the model in batches; memory is O(n x neurons + one batch). */
  collect(input: ProbeInput, options?: CollectOptions): Promise<ActivationProbeResult>;
  /**
   * Ends the probe. It owns no tensors (its multi-output graph shares the model's layers and
   * weights, which stay the caller's), so this only makes later `collect` calls fail.
   */
  dispose(): void;
}

/**
 * Builds a probe that reads per-neuron values of a LayersModel: for a conv channel the max
 * (or mean) over spatial positions of its pre-activation map, the value the paper's NONE
 * tests for linearity, plus the softmax output, in one inference-mode pass.
 *
 * @example
 * const probe = createActivationProbe(model);
 * const { layers, probabilities } = await probe.collect(train, { batchSize: 256 });
 * probe.dispose();
 * @throws {ProbeError} `E_NOT_FOUND` for a layer name the model does not have.
 */
export function createActivationProbe(
  model: tfl.LayersModel,
  options: ActivationProbeOptions = {},
): ActivationProbe {
  const { layers = 'auto', point = 'pre', reduce = 'max' } = options;
  const graph = buildProbeGraph(model, 'createActivationProbe', layers, point, options.neurons);
  const { names, outputs, model: probeModel, numClasses } = graph;
  const widths = outputs.map((o) => Number(o.shape[o.shape.length - 1]));
  let disposed = false;

  async function collect(
    input: ProbeInput,
    collectOptions: CollectOptions = {},
  ): Promise<ActivationProbeResult> {
    if (disposed) throw new ProbeError('E_DISPOSED', 'collect: the probe was disposed');
    const { batchSize = 256, onProgress } = collectOptions;
    const sampleShape = checkProbeInput(model, input, batchSize);
    const n = input.shape[0]!;
    const values = widths.map((w) => new Float32Array(n * w));
    const probabilities = new Float32Array(n * numClasses);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const reduced = tf.tidy(() => {
        const x = probeBatch(input, sampleShape, start, size);
        const results = probeModel.predict(x) as tf.Tensor[];
        const perLayer = results.slice(0, -1).map((t) => {
          if (t.rank === 2) return t;
          const axes = Array.from({ length: t.rank - 2 }, (_, i) => i + 1);
          return reduce === 'max' ? tf.max(t, axes) : tf.mean(t, axes);
        });
        return [...perLayer, tf.softmax(results[results.length - 1]!)];
      });
      const data = await Promise.all(reduced.map((t) => t.data() as Promise<Float32Array>));
      for (const t of reduced) t.dispose();
      data.forEach((batchValues, i) => {
        const target = i < widths.length ? values[i]! : probabilities;
        const width = i < widths.length ? widths[i]! : numClasses;
        target.set(batchValues, start * width);
      });
      await onProgress?.(start + size, n);
    }
    return {
      n,
      layers: names.map((layer, i) => ({ layer, neurons: widths[i]!, values: values[i]! })),
      probabilities,
      numClasses,
    };
  }

  return {
    layers: names,
    collect,
    dispose() {
      disposed = true;
    },
  };
}
