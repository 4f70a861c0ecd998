import { describeNeurons, type NeuronLayer } from '@none/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ProbeError } from './errors';

/** Images a probe reads: NHWC, float32 in [0, 1] or uint8 in [0, 255] (`ImageDataset`). */
export interface ProbeInput {
  images: Float32Array | Uint8Array;
  shape: readonly number[];
}

/** A multi-output graph over a model: the chosen layers' outputs, then the model's output. */
export interface ProbeGraph {
  names: string[];
  outputs: tfl.SymbolicTensor[];
  model: tfl.LayersModel;
  numClasses: number;
}

/**
 * The graph a probe runs: for each name of a neuron layer its pre- (or post-) activation
 * output, for any other name that layer's raw output, plus the model's output last.
 * @throws {ProbeError} `E_INVALID_ARGUMENT` when nothing is probed, `E_NOT_FOUND` for a layer the model lacks.
 */
export function buildProbeGraph(
  model: tfl.LayersModel,
  caller: string,
  layers: 'auto' | readonly string[],
  point: 'pre' | 'post',
  neurons: readonly NeuronLayer[] = describeNeurons(model),
): ProbeGraph {
  const byLayer = new Map(neurons.map((n) => [n.layer, n]));
  const names = layers === 'auto' ? neurons.map((n) => n.layer) : [...layers];
  if (names.length === 0)
    throw new ProbeError('E_INVALID_ARGUMENT', `${caller}: no layers to probe`);
  const outputs = names.map((name) => {
    const neuron = byLayer.get(name);
    const source =
      neuron === undefined ? name : point === 'pre' ? neuron.preActivation : neuron.postActivation;
    try {
      return model.getLayer(source).output as tfl.SymbolicTensor;
    } catch (cause) {
      throw new ProbeError('E_NOT_FOUND', `${caller}: the model has no layer ${source}`, { cause });
    }
  });
  const logits = model.outputs[0]!;
  return {
    names,
    outputs,
    model: tfl.model({ inputs: model.inputs, outputs: [...outputs, logits] }),
    numClasses: Number(logits.shape[logits.shape.length - 1]),
  };
}

/** Checks `input` against the model's input shape and `batchSize`; returns the sample shape. */
export function checkProbeInput(
  model: tfl.LayersModel,
  input: ProbeInput,
  batchSize: number,
): number[] {
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
  return sampleShape;
}

/** One batch of `input` as a float32 tensor in [0, 1] (caller disposes, or runs in a tidy). */
export function probeBatch(
  input: ProbeInput,
  sampleShape: readonly number[],
  start: number,
  size: number,
): tf.Tensor {
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const raw = input.images.subarray(start * sampleSize, (start + size) * sampleSize);
  const x = tf.tensor(
    raw instanceof Uint8Array ? Float32Array.from(raw) : raw,
    [size, ...sampleShape],
    'float32',
  );
  return input.images instanceof Uint8Array ? tf.mul(x, 1 / 255) : x;
}
