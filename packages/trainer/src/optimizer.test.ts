import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { learningRateAt } from './learning-rate';
import { createOptimizer } from './optimizer';

function step(type: 'sgd' | 'adam', steps: number): number[] {
  const w = tf.variable(tf.tensor1d([1, -2]));
  const optimizer =
    type === 'sgd'
      ? createOptimizer([w], { type: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 })
      : createOptimizer([w], { type: 'adam', learningRate: 0.1, weightDecay: 0 });
  for (let s = 0; s < steps; s++) {
    const g = tf.tensor1d([0.5, 0.5]);
    optimizer.applyGradients([g]);
    g.dispose();
  }
  const values = Array.from(w.dataSync());
  optimizer.dispose();
  w.dispose();
  return values;
}

describe('createOptimizer', () => {
  it('SGD follows PyTorch: v = mu v + g + wd w; w -= lr v (hand-computed, two steps)', () => {
    // step 1: g' = 0.5 + 0.01*1 = 0.51, v = 0.51, w = 1 - 0.051 = 0.949
    // step 2: g' = 0.5 + 0.00949 = 0.50949, v = 0.9*0.51 + 0.50949 = 0.96849, w = 0.949 - 0.096849
    const [w0] = step('sgd', 2);
    expect(w0).toBeCloseTo(0.949 - 0.096849, 6);
  });

  it('Adam follows PyTorch with bias correction (hand-computed, one step moves by lr)', () => {
    // After one step m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps) ~= lr.
    const [w0, w1] = step('adam', 1);
    expect(w0).toBeCloseTo(0.9, 6);
    expect(w1).toBeCloseTo(-2.1, 6);
  });

  it('restores its state so that a restored run continues identically', () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const a = createOptimizer([w], { type: 'sgd', learningRate: 0.1 });
    const g = tf.tensor1d([1, 1, 1]);
    a.applyGradients([g]);
    const state = a.getState();
    const before = Array.from(w.dataSync());
    a.applyGradients([g]);
    const continued = Array.from(w.dataSync());
    w.assign(tf.tensor1d(before));
    const b = createOptimizer([w], { type: 'sgd', learningRate: 0.1 });
    b.setState(state);
    b.applyGradients([g]);
    expect(Array.from(w.dataSync())).toEqual(continued);
    tf.dispose([g, w]);
    a.dispose();
    b.dispose();
  });
});

describe('learningRateAt', () => {
  it('decays by gamma at step boundaries and milestones', () => {
    expect(learningRateAt(0.1, 5)).toBe(0.1);
    expect(learningRateAt(0.1, 4, { type: 'step', stepSize: 2, gamma: 0.5 })).toBeCloseTo(
      0.025,
      12,
    );
    expect(learningRateAt(1, 6, { type: 'multistep', milestones: [3, 6], gamma: 0.1 })).toBeCloseTo(
      0.01,
      12,
    );
    expect(learningRateAt(1, 5, { type: 'multistep', milestones: [3, 6], gamma: 0.1 })).toBeCloseTo(
      0.1,
      12,
    );
  });
});

describe('optimizer memory', () => {
  it('holds exactly its state tensors and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.zeros([3])));
    const adam = createOptimizer([w], { type: 'adam' });
    expect(tf.memory().numTensors).toBe(before + 1 + 2); // w, first and second moments
    adam.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
