import { setDropoutStep } from '@none/models';
import { createRandom, deriveSeed } from '@none/stats';
import { type EpochLogs, gatherBatch, range } from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { augmentDigits } from './_dbd-augment';
import { type Context, checkLoss, finishEpoch, stageOptimizer } from './_dbd-context';
import { mixUp, sharpen } from './_dbd-mixmatch';
import { split } from './_dbd-split';

/** Softmax outputs of the model on a batch, inference mode, row-major [size, K]. */
async function predictProbabilities(
  model: tfl.LayersModel,
  images: Float32Array,
  shape: readonly [number, number, number, number],
): Promise<Float32Array> {
  const probabilities = tf.tidy(() =>
    tf.softmax(model.predict(tf.tensor4d(images, [...shape])) as tf.Tensor, 1),
  );
  const values = (await probabilities.data()) as Float32Array;
  probabilities.dispose();
  return values;
}

/**
 * Stage 3 of DBD: the low-loss split (again before every epoch with `resplitEachEpoch`), then
 * the whole model trained semi-supervised with MixMatch on the labeled and unlabeled parts.
 */
export async function fineTuneStage(context: Context): Promise<void> {
  const { model, dataset, o, options, state } = context;
  const [n, h, w, c] = dataset.shape;
  const sampleSize = h * w * c;
  const k = dataset.numClasses;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const optimizer = stageOptimizer(context, variables, o.fineTuneOptimizer);
  const salt = deriveSeed(o.seed, 'dbd-fine-tune');
  try {
    for (;;) {
      const epoch = state.epoch;
      const started = performance.now();
      const labeled =
        o.resplitEachEpoch || !state.labeled
          ? await split(context)
          : Int32Array.from(state.labeled);
      const labeledSet = new Set(labeled);
      const unlabeled = range(n).filter((i) => !labeledSet.has(i));
      const labeledOrder = createRandom(deriveSeed(salt, 'labeled-order', epoch)).shuffle(
        labeled.slice(),
      );
      const unlabeledOrder = createRandom(deriveSeed(salt, 'unlabeled-order', epoch)).shuffle(
        unlabeled,
      );
      const batches = Math.ceil(labeledOrder.length / o.batchSize);
      let lossSum = 0;
      let hits = 0;
      for (let batch = 0; batch < batches; batch++) {
        const start = batch * o.batchSize;
        const end = Math.min(labeledOrder.length, start + o.batchSize);
        const size = end - start;
        const stream = (j: number) => deriveSeed(salt, 'batch', epoch, batch, j);
        const shape = [size, h, w, c] as const;
        const labeledBatch = gatherBatch(dataset, labeledOrder, start, end);
        const labeledImages = augmentDigits(labeledBatch.images, shape, {
          ...o.weakAugment,
          seed: stream(0),
        });
        const unlabeledViews: Float32Array[] = [];
        let guessed: Float32Array = new Float32Array(0);
        if (unlabeledOrder.length > 0) {
          const picks = Int32Array.from(
            { length: size },
            (_, j) => unlabeledOrder[(start + j) % unlabeledOrder.length]!,
          );
          const { images } = gatherBatch(dataset, picks, 0, size);
          const mean = new Float32Array(size * k);
          for (let view = 0; view < o.augmentations; view++) {
            const augmented = augmentDigits(images, shape, {
              ...o.weakAugment,
              seed: stream(1 + view),
            });
            unlabeledViews.push(augmented);
            const probabilities = await predictProbabilities(model, augmented, shape);
            for (let i = 0; i < mean.length; i++) {
              mean[i] = mean[i]! + probabilities[i]! / o.augmentations;
            }
          }
          guessed = sharpen(mean, k, o.sharpenTemperature);
        }
        const rows = size * (1 + unlabeledViews.length);
        const inputs = new Float32Array(rows * sampleSize);
        const targets = new Float32Array(rows * k);
        inputs.set(labeledImages, 0);
        for (let i = 0; i < size; i++) targets[i * k + labeledBatch.labels[i]!] = 1;
        unlabeledViews.forEach((view, v) => {
          inputs.set(view, (v + 1) * size * sampleSize);
          targets.set(guessed, (v + 1) * size * k);
        });
        const mixed = mixUp(inputs, targets, sampleSize, k, o.mixUpAlpha, createRandom(stream(7)));
        const ramp =
          o.rampUpEpochs > 0 ? Math.min(1, (epoch + batch / batches) / o.rampUpEpochs) : 1;
        const weight = o.lambdaU * ramp;
        setDropoutStep(model, stream(6));
        const x = tf.tensor4d(mixed.inputs, [rows, h, w, c]);
        const t = tf.tensor2d(mixed.targets, [rows, k]);
        let labeledLogits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.apply(x, { training: true }) as tf.Tensor;
          const logitsX = tf.slice(logits, [0, 0], [size, k]);
          labeledLogits = tf.keep(logitsX);
          const targetsX = tf.slice(t, [0, 0], [size, k]);
          const lossX = tf.neg(tf.mean(tf.sum(tf.mul(targetsX, tf.logSoftmax(logitsX, 1)), 1)));
          if (rows === size || weight === 0) return lossX as tf.Scalar;
          const logitsU = tf.slice(logits, [size, 0], [rows - size, k]);
          const targetsU = tf.slice(t, [size, 0], [rows - size, k]);
          const lossU = tf.mean(tf.square(tf.sub(tf.softmax(logitsU, 1), targetsU)));
          return tf.add(lossX, tf.mul(lossU, weight)) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        const loss = (await value.data())[0]!;
        const correct = tf.tidy(() =>
          tf.sum(
            tf.cast(
              tf.equal(tf.argMax(labeledLogits!, 1), tf.tensor1d(labeledBatch.labels, 'int32')),
              'int32',
            ),
          ),
        );
        hits += (await correct.data())[0]!;
        tf.dispose([x, t, value, labeledLogits!, correct, ...Object.values(grads)]);
        checkLoss(loss, 'fine-tune', epoch, batch);
        lossSum += loss * size;
        await options.onEvent?.({ type: 'batch', stage: 'fine-tune', batch, batches });
      }
      const samples = labeledOrder.length;
      const logs: EpochLogs = {
        epoch,
        loss: samples > 0 ? lossSum / samples : 0,
        // Labeled rows whose mixed input is classified as their own label (lambda' >= 0.5).
        accuracy: samples > 0 ? hits / samples : 0,
        learningRate: optimizer.learningRate,
        samples,
        milliseconds: performance.now() - started,
      };
      if (await finishEpoch(context, logs, optimizer)) return;
    }
  } finally {
    optimizer.dispose();
  }
}
