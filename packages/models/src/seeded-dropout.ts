import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

/**
 * Inverted dropout whose mask is a pure function of `(seed, step)`. tfjs's own Dropout
 * reuses one mask for every call when given a seed (and uses `Math.random` without one);
 * this layer draws a fresh, reproducible mask per training step, so a run and its resumed
 * copy drop the same units. The trainer sets `step` before each step (`setDropoutStep`);
 * left alone, the layer counts its own calls.
 */
export class SeededDropout extends tfl.layers.Layer {
  static readonly className = 'NoneSeededDropout';
  readonly rate: number;
  readonly seed: number;
  /** Index of the next training step; the mask of step s is seeded by (seed, s). */
  step = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs.training !== true || this.rate <= 0) return x;
    const maskSeed = (Math.imul(this.seed, 2654435761) ^ Math.imul(this.step + 1, 40503)) >>> 0;
    this.step += 1;
    return tf.tidy(() => {
      const keep = tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', maskSeed), this.rate);
      return tf.mul(x, tf.mul(tf.cast(keep, 'float32'), 1 / (1 - this.rate)));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Sets the step of every `SeededDropout` layer of a model (the trainer's global step). */
export function setDropoutStep(model: tfl.LayersModel, step: number): void {
  for (const layer of model.layers) if (layer instanceof SeededDropout) layer.step = step;
}
