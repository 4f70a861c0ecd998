import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend';
import { profileKernels } from './profile-kernels';
import './_test-utils';

describe('profileKernels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', threads: 2 });
  });

  it('lists the kernels of a training step, marking ours', async () => {
    const x = tf.ones([2, 5, 5, 1]);
    const w = tf.variable(tf.ones([3, 3, 1, 2]));
    const { kernels, missing } = await profileKernels(() =>
      tf.variableGrads(() =>
        tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Variable<tf.Rank.R4>, 1, 'same'))),
      ),
    );
    expect(missing).toEqual([]);
    const filter = kernels.find((k) => k.name === 'Conv2DBackpropFilter');
    expect(filter).toMatchObject({ calls: 1, custom: true });
    expect(kernels.find((k) => k.name === 'Conv2D')).toMatchObject({ custom: true });
    expect(kernels.find((k) => k.name === 'Square')).toMatchObject({ custom: false });
    tf.dispose([x, w]);
  });

  it('reports a kernel the backend lacks instead of throwing', async () => {
    const { missing } = await profileKernels(() => tf.engine().runKernel('NoSuchKernel', {}, {}));
    expect(missing).toEqual(['NoSuchKernel']);
  });
});
