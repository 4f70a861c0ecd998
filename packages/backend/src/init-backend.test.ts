import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError } from './errors';
import { initBackend } from './init-backend';
import { WASM_TRAINING_KERNELS } from './register-wasm-training-kernels';

describe('initBackend', () => {
  it('auto picks wasm with the training kernels and two threads when no native TensorFlow is installed', async () => {
    const result = await initBackend({ threads: 2 });
    expect(result.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(result.trainingKernels).toEqual([...WASM_TRAINING_KERNELS]);
    expect(result.description).toMatch(/^wasm \(XNNPACK \+ SIMD, 2 threads\)/);
    expect(result.skipped.join('\n')).toMatch(/@tensorflow\/tfjs-node is not installed/);
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    // The multi-threaded build computes a convolution correctly.
    const y = tf.tidy(() =>
      tf.sum(
        tf.conv2d(
          tf.ones([2, 6, 6, 3]) as tf.Tensor4D,
          tf.ones([3, 3, 3, 4]) as tf.Tensor4D,
          1,
          'valid',
        ),
      ),
    );
    expect((await y.data())[0]).toBe(2 * 4 * 4 * 4 * 27);
    y.dispose();
  });

  it('is idempotent and keeps the running wasm backend', async () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([3]);
    const result = await initBackend({ prefer: 'wasm', threads: 1 });
    expect(result.description).toMatch(/2 threads/);
    expect(Array.from(await x.data())).toEqual([1, 1, 1]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('selects cpu on request', async () => {
    const result = await initBackend({ prefer: 'cpu' });
    expect(result).toMatchObject({ name: 'cpu', gpu: false, trainingKernels: [] });
    expect(tf.getBackend()).toBe('cpu');
    await initBackend({ prefer: 'wasm' });
  });

  it('explains how to install native TensorFlow when it is requested but missing', async () => {
    const error = await initBackend({ prefer: 'tensorflow' }).catch((e: unknown) => e);
    expect(BackendError.isInstance(error)).toBe(true);
    expect((error as BackendError).code).toBe('E_BACKEND_UNAVAILABLE');
    expect((error as BackendError).message).toMatch(/npm i @tensorflow\/tfjs-node-gpu/);
    expect((error as BackendError).message).toMatch(/CUDA/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown preference and a bad thread count', async () => {
    await expect(initBackend({ prefer: 'gpu' as 'auto' })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    await expect(initBackend({ threads: 0 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});
