import type { ImageDataset } from '@none/data';
import { setDropoutStep } from '@none/models';
import { createRandom, deriveSeed } from '@none/stats';
import {
  createOptimizer,
  type EpochLogs,
  epochBatches,
  freezeBatchNorm,
  type Optimizer,
  range,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BaselineError } from './errors';

/** A DP-SGD setting: the per-sample clip bound and the noise multiplier. */
export interface DpSgdSetting {
  /** L2 bound C of every per-sample gradient (all variables together). */
  clipNorm: number;
  /** sigma: the noise added to the sum of clipped gradients has standard deviation sigma * C. */
  noiseMultiplier: number;
}

/**
 * The two DP-SGD settings of the NONE paper's baseline tables (after Hong et al.'s gradient
 * shaping): `light` (C = 4.0, sigma = 0.1) and `strong` (C = 1.0, sigma = 0.5).
 *
 * @example
 * ```ts
 * await trainEpochsDpSgd(model, dataset, { ...DP_SGD_SETTINGS.strong, epochs: 10,
 *   batchSize: 64, learningRate: 0.05, seed: 0 });
 * ```
 * @see S. Hong, V. Chandrasekaran, Y. Kaya, T. Dumitras, N. Papernot, "On the effectiveness
 * of mitigating data poisoning attacks with gradient shaping", arXiv:2002.11497, 2020
 */
export const DP_SGD_SETTINGS: Readonly<{
  light: Readonly<DpSgdSetting>;
  strong: Readonly<DpSgdSetting>;
}> = Object.freeze({
  light: Object.freeze({ clipNorm: 4.0, noiseMultiplier: 0.1 }),
  strong: Object.freeze({ clipNorm: 1.0, noiseMultiplier: 0.5 }),
});

/** Options of {@link clipAndNoiseGradients}. */
export interface ClipAndNoiseOptions extends DpSgdSetting {
  /** Seed of the Gaussian noise (drawn with `@none/data`'s `createRandom`). */
  seed: number;
}

/** Options of {@link trainEpochsDpSgd}. */
export interface TrainEpochsDpSgdOptions extends DpSgdSetting {
  /** Epochs to run in this call. */
  epochs: number;
  /** Global index of the first epoch: shuffling, noise and dropout seeds depend on it. @default 0 */
  startEpoch?: number;
  /** Lot size L: samples per update. */
  batchSize: number;
  /** SGD learning rate. */
  learningRate: number;
  /** SGD momentum (PyTorch semantics); its state does not carry across calls. @default 0 */
  momentum?: number;
  /** Seed of the shuffling, the noise and the dropout of every epoch. */
  seed: number;
  /** Training samples to use (indices into `dataset`); default all. */
  indices?: Int32Array;
  /**
   * Samples per clipped unit. 1 (the default) clips every sample's own gradient, as in Abadi
   * et al.; m > 1 clips the mean gradient of each micro-batch of m samples (TF Privacy's
   * microbatches), which is faster and weaker. @default 1
   */
  microBatchSize?: number;
  onEpochEnd?: (logs: EpochLogs) => void | Promise<void>;
}

function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

function checkSetting(caller: string, clipNorm: number, noiseMultiplier: number): void {
  if (!(Number.isFinite(clipNorm) && clipNorm > 0)) {
    throw invalid(`${caller}: clipNorm must be a finite number > 0, got ${clipNorm}`);
  }
  if (!(Number.isFinite(noiseMultiplier) && noiseMultiplier >= 0)) {
    throw invalid(
      `${caller}: noiseMultiplier must be a finite number >= 0, got ${noiseMultiplier}`,
    );
  }
}

function checkPositiveInteger(caller: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw invalid(`${caller}: ${name} must be a positive integer, got ${value}`);
  }
}

/** Clips inside the caller's tidy scope. */
function clipTensors(gradients: readonly tf.Tensor[], clipNorm: number): tf.Tensor[] {
  const squares = gradients.map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares));
  // factor = min(1, C / ||g||); a zero gradient keeps factor 1.
  const factor = tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-30)));
  return gradients.map((g) => tf.mul(g, factor));
}

/**
 * Scales one sample's gradient (all variables together) so that its global L2 norm is at most
 * `clipNorm`: `g * min(1, C / ||g||)`. A gradient within the bound is returned unchanged.
 * Returns new tensors (the caller disposes them); the inputs are not disposed.
 *
 * @example
 * ```ts
 * const [a, b] = clipGradientNorm([tf.tensor1d([3]), tf.tensor1d([4])], 1);
 * // a = [0.6], b = [0.8]: the norm 5 of (3, 4) is scaled to 1
 * ```
 * @throws BaselineError `E_INVALID_ARGUMENT` for a clipNorm that is not finite and > 0
 * @see M. Abadi et al., "Deep learning with differential privacy", CCS 2016, Algorithm 1
 */
export function clipGradientNorm(gradients: readonly tf.Tensor[], clipNorm: number): tf.Tensor[] {
  checkSetting('clipGradientNorm', clipNorm, 0);
  if (gradients.length === 0) return [];
  return tf.tidy(() => clipTensors(gradients, clipNorm));
}

/** Adds N(0, stddev^2) to every coordinate, in variable order, and divides by `count`. */
function noiseAndAverage(
  sums: readonly tf.Tensor[],
  stddev: number,
  count: number,
  seed: number,
): tf.Tensor[] {
  const random = stddev > 0 ? createRandom(seed) : undefined;
  return sums.map((sum) =>
    tf.tidy(() => {
      if (!random) return tf.div(sum, count);
      const noise = new Float32Array(sum.size);
      for (let i = 0; i < noise.length; i++) noise[i] = random.normal(0, stddev);
      return tf.div(tf.add(sum, tf.tensor(noise, sum.shape, 'float32')), count);
    }),
  );
}

/**
 * The privatisation step of DP-SGD on a lot of per-sample gradients: clips each sample's
 * gradient to L2 norm <= C ({@link clipGradientNorm}), sums them, adds Gaussian noise
 * N(0, (sigma C)^2) per coordinate (seeded) and divides by the number of samples.
 * `perSampleGradients[s][v]` is sample s's gradient of variable v. Returns new tensors, one
 * per variable; the inputs are not disposed.
 *
 * @example
 * ```ts
 * const update = clipAndNoiseGradients(
 *   [[tf.tensor1d([3, 4])], [tf.tensor1d([0.3, 0.4])]],
 *   { clipNorm: 1, noiseMultiplier: 0, seed: 0 },
 * ); // [(0.6 + 0.3) / 2, (0.8 + 0.4) / 2] = [0.45, 0.6]
 * ```
 * @throws BaselineError `E_INVALID_ARGUMENT` for no samples, samples with different variable
 * lists, or a bad clipNorm, noiseMultiplier or seed
 * @see M. Abadi et al., "Deep learning with differential privacy", CCS 2016, Algorithm 1
 */
export function clipAndNoiseGradients(
  perSampleGradients: readonly (readonly tf.Tensor[])[],
  options: ClipAndNoiseOptions,
): tf.Tensor[] {
  const { clipNorm, noiseMultiplier, seed } = options;
  checkSetting('clipAndNoiseGradients', clipNorm, noiseMultiplier);
  if (!Number.isSafeInteger(seed)) {
    throw invalid(`clipAndNoiseGradients: seed must be a safe integer, got ${seed}`);
  }
  const count = perSampleGradients.length;
  if (count === 0) {
    throw invalid('clipAndNoiseGradients: perSampleGradients must hold at least one sample, got 0');
  }
  const first = perSampleGradients[0]!;
  perSampleGradients.forEach((sample, s) => {
    const sameShapes =
      sample.length === first.length &&
      sample.every((g, v) => tf.util.arraysEqual(g.shape, first[v]!.shape));
    if (!sameShapes) {
      throw invalid(
        `clipAndNoiseGradients: every sample must have gradients of the same shapes as sample 0 ` +
          `([${first.map((g) => `[${g.shape}]`).join(', ')}]), got sample ${s} with ` +
          `[${sample.map((g) => `[${g.shape}]`).join(', ')}]`,
      );
    }
  });
  const sums = tf.tidy(() => {
    let total = first.map((g) => tf.zerosLike(g));
    for (const sample of perSampleGradients) {
      const clipped = clipTensors(sample, clipNorm);
      total = total.map((t, v) => tf.add(t, clipped[v]!));
    }
    return total;
  });
  const result = noiseAndAverage(sums, noiseMultiplier * clipNorm, count, seed);
  tf.dispose(sums);
  return result;
}

/**
 * Trains a LayersModel with DP-SGD (softmax cross-entropy, plain SGD with optional momentum):
 * for every lot of `batchSize` samples it computes each sample's gradient (one backward pass
 * per micro-batch, `microBatchSize` = 1 by default: real per-sample gradients, no batch-level
 * clipping), clips it to L2 norm <= `clipNorm` over all variables together, sums, adds
 * Gaussian noise N(0, (noiseMultiplier * clipNorm)^2) per coordinate from a generator seeded by
 * `(seed, epoch, batch)`, divides by the number of micro-batches and applies the result.
 * Shuffling follows {@link trainEpochs} (`createRandom(deriveSeed(seed, 'epoch-order', epoch))`), so a run
 * depends only on the weights, the seed and the epoch. BatchNorm layers run on their moving
 * statistics (a per-sample gradient is undefined when a layer mixes samples); dropout trains.
 *
 * As a backdoor defense this is Hong et al.'s gradient shaping: clipping bounds the influence
 * of any one (poisoned) sample and the noise hides it. Use {@link DP_SGD_SETTINGS}.
 *
 * @example
 * ```ts
 * const { model } = buildModel({ architecture: 'small-cnn', inputShape: [28, 28, 1],
 *   numClasses: 10, seed: 0 });
 * const history = await trainEpochsDpSgd(model, loadEmbeddedMnist().train, {
 *   ...DP_SGD_SETTINGS.light, epochs: 5, batchSize: 64, learningRate: 0.1, seed: 1 });
 * ```
 * @returns the logs of every epoch (mean loss and accuracy of the training forward passes)
 * @throws BaselineError `E_INVALID_ARGUMENT` for a bad option, `E_SHAPE_MISMATCH` when the
 * images do not fit the model, `E_DIVERGED` for a non-finite loss
 * @see M. Abadi, A. Chu, I. Goodfellow, H. B. McMahan, I. Mironov, K. Talwar, L. Zhang,
 * "Deep learning with differential privacy", CCS 2016 (Algorithm 1)
 * @see S. Hong et al., "On the effectiveness of mitigating data poisoning attacks with
 * gradient shaping", arXiv:2002.11497, 2020
 */
export async function trainEpochsDpSgd(
  model: tfl.LayersModel,
  dataset: ImageDataset,
  options: TrainEpochsDpSgdOptions,
): Promise<EpochLogs[]> {
  const caller = 'trainEpochsDpSgd';
  const {
    epochs,
    startEpoch = 0,
    batchSize,
    learningRate,
    momentum = 0,
    clipNorm,
    noiseMultiplier,
    seed,
    microBatchSize = 1,
  } = options;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw invalid(`${caller}: epochs must be an integer >= 0, got ${epochs}`);
  }
  if (!Number.isInteger(startEpoch) || startEpoch < 0) {
    throw invalid(`${caller}: startEpoch must be an integer >= 0, got ${startEpoch}`);
  }
  checkPositiveInteger(caller, 'batchSize', batchSize);
  checkPositiveInteger(caller, 'microBatchSize', microBatchSize);
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw invalid(`${caller}: learningRate must be a finite number > 0, got ${learningRate}`);
  }
  if (!(Number.isFinite(momentum) && momentum >= 0 && momentum < 1)) {
    throw invalid(`${caller}: momentum must be a number in [0, 1), got ${momentum}`);
  }
  checkSetting(caller, clipNorm, noiseMultiplier);
  if (!Number.isSafeInteger(seed)) {
    throw invalid(`${caller}: seed must be a safe integer, got ${seed}`);
  }
  const [n, h, w, c] = dataset.shape;
  const expected = model.inputs[0]!.shape.slice(1);
  if (expected.length !== 3 || expected[0] !== h || expected[1] !== w || expected[2] !== c) {
    throw new BaselineError(
      'E_SHAPE_MISMATCH',
      `${caller}: dataset images are ${h}x${w}x${c}, the model expects [${expected.join(', ')}]`,
    );
  }
  const pool = options.indices ?? range(n);
  for (const index of pool) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw invalid(`${caller}: indices must lie in [0, ${n}), got ${index}`);
    }
  }
  const numClasses = Number(model.outputs[0]!.shape[1]);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  // The tidy frees the zero tensors that createOptimizer's slot variables are made from.
  let optimizer: Optimizer | undefined;
  tf.tidy(() => {
    optimizer = createOptimizer(variables, { type: 'sgd', learningRate, momentum, weightDecay: 0 });
  });
  const sgd = optimizer!;
  const unfreeze = freezeBatchNorm(model);
  const sampleSize = h * w * c;
  const history: EpochLogs[] = [];
  try {
    for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      for (const { batch, size: batchLength, images, labels } of epochBatches(dataset, pool, {
        seed,
        epoch,
        batchSize,
      })) {
        // Every forward pass draws the next dropout step, so micro-batches get their own masks.
        setDropoutStep(model, deriveSeed(seed, 'dropout', epoch, batch));
        let sums: tf.Tensor[] = variables.map((v) => tf.zerosLike(v));
        let batchLoss: tf.Tensor = tf.scalar(0);
        let batchHits: tf.Tensor = tf.scalar(0);
        let units = 0;
        for (let m = 0; m < batchLength; m += microBatchSize) {
          const size = Math.min(microBatchSize, batchLength - m);
          const { x, y, labelTensor } = tf.tidy(() => {
            const labelTensor = tf.tensor1d(labels.subarray(m, m + size), 'int32');
            return {
              x: tf.tensor4d(images.subarray(m * sampleSize, (m + size) * sampleSize), [
                size,
                h,
                w,
                c,
              ]),
              y: tf.oneHot(labelTensor, numClasses),
              labelTensor,
            };
          });
          let logits: tf.Tensor | undefined;
          const { value, grads } = tf.variableGrads(() => {
            const output = model.apply(x, { training: true }) as tf.Tensor;
            logits = tf.keep(output);
            return tf.losses.softmaxCrossEntropy(y, output) as tf.Scalar;
          }, variables);
          const next = tf.tidy(() => {
            const clipped = clipTensors(
              variables.map((v) => grads[v.name]!),
              clipNorm,
            );
            return {
              sums: sums.map((s, i) => tf.add(s, clipped[i]!)),
              loss: tf.add(batchLoss, tf.mul(value, size)),
              hits: tf.add(
                batchHits,
                tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), labelTensor), 'float32')),
              ),
            };
          });
          tf.dispose([x, y, labelTensor, value, logits!, ...Object.values(grads)]);
          tf.dispose([...sums, batchLoss, batchHits]);
          sums = next.sums;
          batchLoss = next.loss;
          batchHits = next.hits;
          units += 1;
        }
        const gradients = noiseAndAverage(
          sums,
          noiseMultiplier * clipNorm,
          units,
          deriveSeed(seed, 'dp-noise', epoch, batch),
        );
        sgd.applyGradients(gradients);
        const loss = (await batchLoss.data())[0]! / batchLength;
        correct += (await batchHits.data())[0]!;
        tf.dispose([...sums, ...gradients, batchLoss, batchHits]);
        if (!Number.isFinite(loss)) {
          throw new BaselineError(
            'E_DIVERGED',
            `${caller}: the loss became ${loss} at epoch ${epoch}, batch ${batch}; lower the learning rate`,
          );
        }
        lossSum += loss * batchLength;
      }
      const logs: EpochLogs = {
        epoch,
        loss: pool.length > 0 ? lossSum / pool.length : 0,
        accuracy: pool.length > 0 ? correct / pool.length : 0,
        learningRate,
        samples: pool.length,
        milliseconds: performance.now() - started,
      };
      history.push(logs);
      await options.onEpochEnd?.(logs);
    }
  } finally {
    unfreeze();
    sgd.dispose();
  }
  return history;
}
