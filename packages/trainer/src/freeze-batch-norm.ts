import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type Call = (
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor | tf.Tensor[];

/**
 * Makes every BatchNormalization layer of `model` run in inference mode (moving statistics,
 * no updates) even inside a training step, as PyTorch's `bn.eval()` during fine-tuning;
 * dropout and everything else still train. Returns the function that undoes it.
 */
export function freezeBatchNorm(model: tfl.LayersModel): () => void {
  const restores: Array<() => void> = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const patched = layer as unknown as { call: Call };
    const original = patched.call;
    patched.call = (inputs, kwargs) => original.call(layer, inputs, { ...kwargs, training: false });
    restores.push(() => {
      patched.call = original;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}
