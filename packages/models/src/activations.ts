import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError } from './errors';
import type { ActivationName } from './names';
import { SeededDropout } from './seeded-dropout';

/**
 * Tanhshrink, `x - tanh(x)` (PyTorch's `nn.Tanhshrink`), which tfjs does not have.
 * Smooth and monotone, linear far from 0: the paper's example of a non-piecewise-linear
 * activation (§8.2).
 */
export class Tanhshrink extends tfl.layers.Layer {
  static readonly className = 'NoneTanhshrink';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.sub(x, tf.tanh(x));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}

let customLayersRegistered = false;

/**
 * Registers this package's custom layers (Tanhshrink, SeededDropout) with tfjs serialization, so that a
 * saved model that uses them can be loaded. The builders and `loadModel` call it; call it
 * yourself only when loading such a model with plain `tf.loadLayersModel`.
 */
export function registerCustomLayers(): void {
  if (customLayersRegistered) return;
  tf.serialization.registerClass(Tanhshrink);
  tf.serialization.registerClass(SeededDropout);
  customLayersRegistered = true;
}

/** The slope LeakyReLU uses for negative inputs (PyTorch's default). */
export const LEAKY_RELU_ALPHA = 0.01;

/** A new activation layer of the given kind, named `name`. */
export function activationLayer(activation: ActivationName, name: string): tfl.layers.Layer {
  switch (activation) {
    case 'relu':
      return tfl.layers.reLU({ name });
    case 'leakyRelu':
      return tfl.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name });
    case 'elu':
      return tfl.layers.elu({ alpha: 1, name });
    case 'softplus':
      return tfl.layers.activation({ activation: 'softplus', name });
    case 'tanhshrink':
      registerCustomLayers();
      return new Tanhshrink({ name });
    default: {
      const unknown: never = activation;
      throw new ModelError(
        'E_INVALID_ARGUMENT',
        `activationLayer: unknown activation ${String(unknown)}`,
      );
    }
  }
}
