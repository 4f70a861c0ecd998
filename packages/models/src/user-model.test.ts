import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { describeNeurons } from './describe-neurons';
import { ModelError } from './errors';
import { prepareUserModel } from './user-model';

/** The usual tfjs idiom: fused ReLUs and a softmax output. */
function sequentialCnn(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      name: 'c1',
    }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 6, activation: 'relu', name: 'd1' }));
  model.add(tfl.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  return model;
}

function functionalCnn(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 1] });
  let x = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'c1' })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c2' })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu', name: 'c2_act' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 3, name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers.softmax().apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

const images = () => tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 7);

describe('prepareUserModel', () => {
  for (const [name, make] of [
    ['sequential', sequentialCnn],
    ['functional', functionalCnn],
  ] as const) {
    it(`${name}: outputs the logits of the same function and exposes every hidden layer`, async () => {
      const user = make();
      const { model, metadata } = await prepareUserModel(user);
      const x = images();
      const expected = user.predict(x) as tf.Tensor;
      const got = tf.softmax(model.predict(x) as tf.Tensor);
      const diff = tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]!;
      expect(diff).toBeLessThan(1e-6);
      expect(metadata.architecture).toBe('custom');
      expect(metadata.neurons.map((n) => n.layer)).toEqual(
        name === 'sequential' ? ['c1', 'd1'] : ['c1', 'c2'],
      );
      // The pre-activation the probe reads is the conv's own output: W^T x + b, negative values included.
      const pre = tfl.model({
        inputs: model.inputs,
        outputs: model.getLayer('c1').output as tfl.SymbolicTensor,
      });
      expect(tf.min(pre.predict(x) as tf.Tensor).dataSync()[0]!).toBeLessThan(0);
      tf.dispose([x, expected, got]);
      user.dispose();
      model.dispose();
    });
  }

  it('keeps BatchNorm and logits outputs as they are', async () => {
    const input = tfl.input({ shape: [8, 8, 1] });
    let x = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, name: 'c1' })
      .apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({ name: 'bn1' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: 'relu', name: 'r1' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'c2' })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 3, name: 'logits' }).apply(x) as tfl.SymbolicTensor;
    const user = tfl.model({ inputs: input, outputs: output });
    const { model, metadata } = await prepareUserModel(user);
    const x0 = images();
    const a = user.predict(x0) as tf.Tensor;
    const b = model.predict(x0) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!).toBeLessThan(1e-6);
    expect(metadata.neurons.map((n) => [n.layer, n.preActivation, n.batchNorm])).toEqual([
      ['c1', 'bn1', 'bn1'],
      ['c2', 'c2', undefined],
    ]);
    tf.dispose([x0, a, b]);
    user.dispose();
    model.dispose();
  });

  it('gives the user model nothing new: it still fuses, and describeNeurons still refuses it', async () => {
    const user = sequentialCnn();
    await prepareUserModel(user).then((p) => p.model.dispose());
    expect(() => describeNeurons(user)).toThrow(ModelError);
    user.dispose();
  });

  it('redraws reproducible initial weights from a seed', async () => {
    const user = sequentialCnn();
    const a = await prepareUserModel(user, { seed: 3 });
    const b = await prepareUserModel(sequentialCnn(), { seed: 3 });
    const c = await prepareUserModel(user, { seed: 4 });
    const values = (m: tfl.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(values(a.model)).toEqual(values(b.model));
    expect(values(a.model)).not.toEqual(values(c.model));
    expect(values(a.model)).not.toEqual(values(user));
    // Shapes and order are the user's: a trained result copies back.
    user.setWeights(a.model.getWeights());
    expect(values(user)).toEqual(values(a.model));
    for (const m of [a.model, b.model, c.model, user]) m.dispose();
  });

  it('names a shared fused layer it cannot split', async () => {
    const input = tfl.input({ shape: [4] });
    const shared = tfl.layers.dense({ units: 4, activation: 'relu', name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const output = tfl.layers.dense({ units: 2 }).apply(twice) as tfl.SymbolicTensor;
    const user = tfl.model({ inputs: input, outputs: output });
    await expect(prepareUserModel(user)).rejects.toThrow(
      /layer shared fuses activation 'relu' and is shared/,
    );
    user.dispose();
  });
});
