import { describeNeurons, type NeuronLayer } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ProbeError } from './errors';

/** Images the probe reads: NHWC, float32 in [0, 1] or uint8 in [0, 255] (`ImageDataset`). */
export interface ProbeInput {
  images: Float32Array | Uint8Array;
  shape: readonly number[];
}

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
  const neurons = options.neurons ?? describeNeurons(model);
  const byLayer = new Map(neurons.map((n) => [n.layer, n]));
  const names = layers === 'auto' ? neurons.map((n) => n.layer) : [...layers];
  if (names.length === 0) {
    throw new ProbeError('E_INVALID_ARGUMENT', 'createActivationProbe: no layers to probe');
  }
  const outputs = names.map((name) => {
    const neuron = byLayer.get(name);
    const source =
      neuron === undefined ? name : point === 'pre' ? neuron.preActivation : neuron.postActivation;
    try {
      return model.getLayer(source).output as tfl.SymbolicTensor;
    } catch (cause) {
      throw new ProbeError(
        'E_NOT_FOUND',
        `createActivationProbe: the model has no layer ${source}`,
        { cause },
      );
    }
  });
  const logits = model.outputs[0]!;
  const probeModel = tfl.model({ inputs: model.inputs, outputs: [...outputs, logits] });
  const widths = outputs.map((o) => Number(o.shape[o.shape.length - 1]));
  let disposed = false;

  async function collect(
    input: ProbeInput,
    collectOptions: CollectOptions = {},
  ): Promise<ActivationProbeResult> {
    if (disposed) throw new ProbeError('E_DISPOSED', 'collect: the probe was disposed');
    const { batchSize = 256, onProgress } = collectOptions;
    const expected = model.inputs[0]!.shape.slice(1);
    const sampleShape = input.shape.slice(1);
    if (
      sampleShape.length !== expected.length ||
      sampleShape.some((d, i) => expected[i] !== null && expected[i] !== d)
    ) {
      throw new ProbeError(
        'E_SHAPE_MISMATCH',
        `collect: input shape [${input.shape.join(', ')}] does not match the model input [n, ${expected.join(', ')}]`,
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ProbeError(
        'E_INVALID_ARGUMENT',
        `collect: batchSize must be a positive integer, got ${batchSize}`,
      );
    }
    const n = input.shape[0]!;
    const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
    const numClasses = Number(logits.shape[logits.shape.length - 1]);
    const values = widths.map((w) => new Float32Array(n * w));
    const probabilities = new Float32Array(n * numClasses);
    const scale = input.images instanceof Uint8Array ? 1 / 255 : 1;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const reduced = tf.tidy(() => {
        const raw = input.images.subarray(start * sampleSize, (start + size) * sampleSize);
        let x = tf.tensor(
          raw instanceof Uint8Array ? Float32Array.from(raw) : raw,
          [size, ...sampleShape],
          'float32',
        );
        if (scale !== 1) x = tf.mul(x, scale);
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
