// The model both benches train: the small CNN (or the MLP) with SGD 0.05, momentum 0.9,
// weight decay 5e-4.
import { buildModel } from '@none/models';
import type * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../src/optimizer';

export function smallCnnWithOptimizer(
  seed: number,
  architecture: 'small-cnn' | 'mlp' = 'small-cnn',
) {
  const { model, metadata } = buildModel({
    architecture,
    inputShape: [28, 28, 1],
    numClasses: 10,
    seed,
  });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = createOptimizer(variables, {
    type: 'sgd',
    learningRate: 0.05,
    momentum: 0.9,
    weightDecay: 5e-4,
  });
  return { model, metadata, optimizer };
}
