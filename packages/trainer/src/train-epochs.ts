import { augmentBatch, type ImageDataset } from '@none/data';
import { setDropoutStep } from '@none/models';
import { createRandom, deriveSeed } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gatherBatch, range } from './_batches';
import { TrainerError } from './errors';
import { freezeBatchNorm } from './freeze-batch-norm';
import { type LearningRateSchedule, learningRateAt } from './learning-rate';
import type { Optimizer } from './optimizer';

/** Seeded training-time augmentation (random crop with zero padding, horizontal flip). */
export interface AugmentOptions {
  /** Zero padding of the random crop, in pixels (0: no crop). */
  padding: number;
  /** Random horizontal flips (off for digits and traffic signs). */
  flip: boolean;
}

/** What one epoch reports. */
export interface EpochLogs {
  /** Global, 0-based epoch index. */
  epoch: number;
  loss: number;
  accuracy: number;
  learningRate: number;
  samples: number;
  milliseconds: number;
}

export interface TrainEpochsOptions {
  /** Epochs to run in this call. */
  epochs: number;
  /** Global index of the first epoch: seeds, schedules and dropout steps depend on it. @default 0 */
  startEpoch?: number;
  /** @default 128 */
  batchSize?: number;
  optimizer: Optimizer;
  /** Rate before decay; the schedule scales it per global epoch. @default optimizer.learningRate */
  baseLearningRate?: number;
  schedule?: LearningRateSchedule;
  /** Seed of the shuffling, augmentation and dropout of every epoch. */
  seed: number;
  augment?: AugmentOptions | false;
  /** Run BatchNorm layers with their moving statistics (fine-tuning). @default false */
  freezeBatchNorm?: boolean;
  /** Training samples to use (indices into `dataset`); default all. */
  indices?: Int32Array;
  /**
   * The loss of one batch, minimised: gets the logits `[batch, K]` and the int32 labels
   * `[batch]` and returns a scalar, inside the gradient tape (ABL's local gradient ascent,
   * unlearning). The reported epoch loss is its batch-weighted mean.
   * @default softmax cross-entropy, mean over the batch
   */
  loss?: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;
  onBatchEnd?: (batch: number, batches: number, logs: { loss: number }) => void | Promise<void>;
  onEpochEnd?: (logs: EpochLogs) => void | Promise<void>;
  /** Ends training early when it returns true for an epoch's logs (after `onEpochEnd`). */
  stopAfter?: (logs: EpochLogs) => boolean;
}

/** One batch of an epoch's order (see {@link epochOrder}). */
export interface EpochSlice {
  batch: number;
  batches: number;
  /** The epoch's shuffled sample indices; this batch is `order[start, end)`. */
  order: Int32Array;
  start: number;
  end: number;
}

/**
 * The order of epoch `epoch` over the samples `pool`,
 * `createRandom(deriveSeed(seed, 'epoch-order', epoch))`,
 * in consecutive slices of `batchSize`. Every training loop of the package visits data
 * this way, so a resumed epoch repeats exactly.
 */
export function* epochOrder(
  pool: Int32Array,
  seed: number,
  epoch: number,
  batchSize: number,
): Generator<EpochSlice> {
  const order = createRandom(deriveSeed(seed, 'epoch-order', epoch)).shuffle(pool.slice());
  const batches = Math.ceil(order.length / batchSize);
  for (let batch = 0; batch < batches; batch++) {
    const start = batch * batchSize;
    yield { batch, batches, order, start, end: Math.min(order.length, start + batchSize) };
  }
}

/** One batch of an epoch (see {@link epochBatches}). */
export interface EpochBatch {
  batch: number;
  batches: number;
  size: number;
  images: Float32Array;
  labels: Int32Array;
}

/**
 * The batches of {@link epochOrder}, gathered and, with `augment`, cropped and flipped with
 * the seed `deriveSeed(seed, 'augment', epoch, batch)`. Shared by `trainEpochs`, NAD's distillation,
 * DP-SGD and DBD's self-supervised stage.
 */
export function* epochBatches(
  dataset: ImageDataset,
  pool: Int32Array,
  options: { seed: number; epoch: number; batchSize: number; augment?: AugmentOptions | false },
): Generator<EpochBatch> {
  const { seed, epoch, batchSize, augment } = options;
  const [, h, w, c] = dataset.shape;
  for (const { batch, batches, order, start, end } of epochOrder(pool, seed, epoch, batchSize)) {
    const size = end - start;
    let { images, labels } = gatherBatch(dataset, order, start, end);
    if (augment && (augment.padding > 0 || augment.flip)) {
      images = augmentBatch(images, [size, h, w, c], {
        padding: augment.padding,
        flip: augment.flip,
        seed: deriveSeed(seed, 'augment', epoch, batch),
      }) as Float32Array;
    }
    yield { batch, batches, size, images, labels };
  }
}

/**
 * Trains a LayersModel on an `ImageDataset` with softmax cross-entropy, for `epochs` epochs.
 * Epoch e (global) visits the samples in the order
 * `createRandom(deriveSeed(seed, 'epoch-order', e))` and
 * augments and drops out with seeds derived from `(seed, e, batch)`, so the result depends
 * only on the weights, the optimizer state and e: a resumed run ends where an uninterrupted
 * run ends.
 */
export async function trainEpochs(
  model: tfl.LayersModel,
  dataset: ImageDataset,
  options: TrainEpochsOptions,
): Promise<EpochLogs[]> {
  const { epochs, startEpoch = 0, batchSize = 128, optimizer, seed, augment = false } = options;
  const baseLearningRate = options.baseLearningRate ?? optimizer.learningRate;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainerError(
      'E_INVALID_ARGUMENT',
      `trainEpochs: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const [n, h, w, c] = dataset.shape;
  const expected = model.inputs[0]!.shape.slice(1);
  if (expected.length !== 3 || expected[0] !== h || expected[1] !== w || expected[2] !== c) {
    throw new TrainerError(
      'E_SHAPE_MISMATCH',
      `trainEpochs: dataset images are ${h}x${w}x${c}, the model expects [${expected.join(', ')}]`,
    );
  }
  const pool = options.indices ?? range(n);
  const numClasses = Number(model.outputs[0]!.shape[1]);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const unfreeze = options.freezeBatchNorm ? freezeBatchNorm(model) : () => {};
  const history: EpochLogs[] = [];
  try {
    for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
      const started = performance.now();
      optimizer.learningRate = learningRateAt(baseLearningRate, epoch, options.schedule);
      let lossSum = 0;
      let correct = 0;
      for (const { batch, batches, size, images, labels } of epochBatches(dataset, pool, {
        seed,
        epoch,
        batchSize,
        augment,
      })) {
        setDropoutStep(model, epoch * 1_000_003 + batch);
        const [loss, hits] = trainStep(
          model,
          variables,
          optimizer,
          images,
          [size, h, w, c],
          labels,
          numClasses,
          options.loss,
        );
        if (!Number.isFinite(loss)) {
          throw new TrainerError(
            'E_DIVERGED',
            `trainEpochs: the loss became ${loss} at epoch ${epoch}, batch ${batch}; lower the learning rate`,
          );
        }
        lossSum += loss * size;
        correct += hits;
        await options.onBatchEnd?.(batch, batches, { loss });
      }
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / pool.length,
        accuracy: correct / pool.length,
        learningRate: optimizer.learningRate,
        samples: pool.length,
        milliseconds: performance.now() - started,
      };
      history.push(logs);
      await options.onEpochEnd?.(logs);
      if (options.stopAfter?.(logs)) break;
    }
  } finally {
    unfreeze();
  }
  return history;
}

/** One SGD step; returns the batch loss and the number of correct predictions. */
function trainStep(
  model: tfl.LayersModel,
  variables: tf.Variable[],
  optimizer: Optimizer,
  images: Float32Array,
  shape: [number, number, number, number],
  labels: Int32Array,
  numClasses: number,
  lossFunction?: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar,
): [number, number] {
  let logits: tf.Tensor | undefined;
  const { x, y, labelTensor } = tf.tidy(() => {
    const labelTensor = tf.tensor1d(labels, 'int32');
    return { x: tf.tensor4d(images, shape), y: tf.oneHot(labelTensor, numClasses), labelTensor };
  });
  const { value, grads } = tf.variableGrads(() => {
    const output = model.apply(x, { training: true }) as tf.Tensor;
    logits = tf.keep(output);
    return lossFunction
      ? lossFunction(output as tf.Tensor2D, labelTensor)
      : (tf.losses.softmaxCrossEntropy(y, output) as tf.Scalar);
  }, variables);
  optimizer.applyGradients(variables.map((v) => grads[v.name]!));
  const loss = value.dataSync()[0]!;
  const classes = tf.argMax(logits!, 1);
  const predicted = classes.dataSync() as Int32Array;
  classes.dispose();
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits += 1;
  tf.dispose([x, y, labelTensor, value, logits!, ...Object.values(grads)]);
  return [loss, hits];
}
