import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError } from './errors';

/**
 * A fresh draw from a layer's serialized initializer (`key`, e.g. `kernelInitializer`),
 * with `seed` replacing its own.
 * @throws {ModelError} `E_UNSUPPORTED_LAYER` when the layer has no such initializer or one tfjs cannot redraw.
 */
export function drawInitializer(
  layer: tfl.layers.Layer,
  key: string,
  shape: number[],
  seed: number,
  caller = 'resetNeurons',
): Float32Array {
  const config = layer.getConfig()[key] as
    | { className: string; config: Record<string, unknown> }
    | undefined;
  if (config === undefined) {
    throw new ModelError(
      'E_UNSUPPORTED_LAYER',
      `${caller}: layer ${layer.name} has no ${key} to draw from`,
    );
  }
  const factoryName = config.className.charAt(0).toLowerCase() + config.className.slice(1);
  const factory = (
    tfl.initializers as unknown as Record<string, (c: object) => { apply(s: number[]): tf.Tensor }>
  )[factoryName];
  if (factory === undefined) {
    throw new ModelError(
      'E_UNSUPPORTED_LAYER',
      `${caller}: layer ${layer.name} uses initializer ${config.className}, which cannot be redrawn${caller === 'resetNeurons' ? "; use mode 'zero'" : ''}`,
    );
  }
  const hasSeed = 'seed' in config.config;
  const initializer = factory(hasSeed ? { ...config.config, seed } : config.config);
  // Read outside `tf.tidy`, which walks a returned typed array value by value.
  const drawn = tf.tidy(() => initializer.apply(shape));
  const values = Float32Array.from(drawn.dataSync() as Float32Array);
  drawn.dispose();
  return values;
}
