import * as tf from '@tensorflow/tfjs-core';
import { FusedBatchNorm, getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomArray, relativeError } from './_test-utils';
import { registerBatchNormGradient } from './batch-norm-gradient';
import { initBackend } from './init-backend';

function gradients(shape: number[], withScale: boolean): Float32Array[] {
  const c = shape[shape.length - 1] as number;
  const result = tf.tidy(() => {
    const x = tf.tensor(
      randomArray(
        shape.reduce((a, b) => a * b),
        61,
      ),
      shape,
    );
    const moments = tf.moments(
      x,
      Array.from({ length: shape.length - 1 }, (_, i) => i),
    );
    const mean = tf.add(moments.mean, tf.tensor1d(randomArray(c, 62)));
    const variance = tf.add(moments.variance, tf.scalar(0.5));
    const scale = tf.tensor1d(randomArray(c, 63));
    const offset = tf.tensor1d(randomArray(c, 64));
    const weights = tf.tensor(
      randomArray(
        shape.reduce((a, b) => a * b),
        65,
      ),
      shape,
    );
    const inputs = withScale ? [x, mean, variance, scale, offset] : [x, mean, variance, offset];
    return tf.grads((...args: tf.Tensor[]) => {
      const [a, m, v] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
      const s = withScale ? (args[3] as tf.Tensor) : undefined;
      const o = args[withScale ? 4 : 3] as tf.Tensor;
      return tf.sum(tf.mul(tf.batchNorm(a, m, v, o, s, 0.001), weights));
    })(inputs);
  });
  const arrays = result.map((t) => new Float32Array(t.dataSync()));
  tf.dispose(result);
  return arrays;
}

// (tfjs cannot record batchNorm without a scale for gradients: it tries to save the missing
// input, so every case has one.)
describe('FusedBatchNorm gradient', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it.each([
    [[16, 5, 5, 8], true],
    [[4, 3, 7], true],
    [[32, 12], true],
    [[1, 6, 6, 4], true],
  ] as const)('matches tfjs own gradient for x%j (scale: %s)', (shape, withScale) => {
    const original = getGradient(FusedBatchNorm);
    expect(original).toBeDefined();
    const expected = gradients([...shape], withScale);
    registerBatchNormGradient();
    const ours = getGradient(FusedBatchNorm);
    expect(ours).not.toBe(original);
    const tensors = tf.memory().numTensors;
    const actual = gradients([...shape], withScale);
    expect(tf.memory().numTensors).toBe(tensors);
    registerGradient(original as NonNullable<typeof original>);
    expect(actual).toHaveLength(expected.length);
    for (let i = 0; i < expected.length; i++) {
      expect(relativeError(actual[i] as Float32Array, expected[i] as Float32Array)).toBeLessThan(
        1e-5,
      );
    }
  });
});
