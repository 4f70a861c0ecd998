import type * as tfl from '@tensorflow/tfjs-layers';
import type { ActivationName, Architecture } from './names';

export type { ActivationName, Architecture };

/** Options every builder takes. */
export interface ModelBuildOptions {
  /** Input shape without the batch axis: `[height, width, channels]` (NHWC) or `[features]`. */
  inputShape: readonly number[];
  /** Number of classes (units of the logits layer). */
  numClasses: number;
  /**
   * Channel multiplier: every hidden conv/dense width is `max(1, round(width x original))`,
   * so CPU runs can use e.g. 1/4 width.
   * @default 1
   */
  width?: number;
  /** Activation after every hidden conv/dense layer. @default 'relu' */
  activation?: ActivationName;
  /** Seed of every initializer and dropout mask. @default 0 */
  seed?: number;
}

/** Where a probe reads a neuron's values and what a reset of it must touch. */
export interface NeuronLayer {
  /** The conv/dense layer whose output channels (units) are the neurons. */
  layer: string;
  /** `conv2d` neurons are channels (values reduced over space); `dense` neurons are units. */
  kind: 'conv2d' | 'dense';
  /** Number of neurons: the layer's filters or units. */
  width: number;
  /**
   * Layer whose output is the neuron's pre-activation value, the paper's `W^T x + b`: the
   * input of the first activation after `layer` (the layer itself, its BatchNorm, or the
   * residual sum).
   */
  preActivation: string;
  /** The first activation layer after `layer`; its output is the post-activation value. */
  postActivation: string;
  /** BatchNorm directly after `layer`, whose per-channel scale and shift a reset also touches. */
  batchNorm?: string;
  /** Conv/dense layers that read these channels: the input slice a `zero` reset clears. */
  consumers: NeuronConsumer[];
}

/** A conv/dense layer that reads the channels of a `NeuronLayer`. */
export interface NeuronConsumer {
  layer: string;
  kind: 'conv2d' | 'dense';
  /**
   * How many input rows of the consumer's kernel read one channel: 1 for a conv or a dense
   * layer after global pooling; `h x w` for a dense layer after a Flatten of an `h x w x C`
   * map (channel c is read by rows `p * C + c`).
   */
  positionsPerChannel: number;
  /** Channels of the map the consumer reads (C above). */
  channels: number;
}

/** What a builder returns beside the model; saved next to it. */
export interface ModelMetadata {
  /** Format version of this object. */
  format: 1;
  architecture: Architecture | 'custom';
  /**
   * The options the model was built with, including architecture-specific ones such as
   * `batchNorm` or `widenFactor` (absent for a custom model).
   */
  options?: Required<ModelBuildOptions> & { [option: string]: unknown };
  /** Hidden conv/dense layers, in graph order: the neurons NONE probes and resets. */
  neurons: NeuronLayer[];
}

/** A model and its metadata. The caller owns the model and must `dispose()` it. */
export interface BuiltModel {
  /** A LayersModel that outputs logits (apply softmax for probabilities). */
  model: tfl.LayersModel;
  metadata: ModelMetadata;
}
