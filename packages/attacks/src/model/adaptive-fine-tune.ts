import { createRandom, deriveSeed } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import {
  model as functionalModel,
  type LayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { readImage } from '../_image';
import { assertInteger, assertNumber, assertSeed, datasetDims, invalid } from '../_validate';
import type { ImageDataset } from '../types';
import { checkModel, shapeError } from './_model';
import { adaptiveAttackLoss } from './adaptive-activation-loss';

/**
 * What {@link adaptiveFineTune} needs of an optimizer: one update from gradients given in the
 * order of `model.trainableWeights` (e.g. `createOptimizer` of `@none/trainer`).
 */
export interface AdaptiveFineTuneOptimizer {
  /** Applies one update; `gradients[i]` belongs to `model.trainableWeights[i]`. */
  applyGradients(gradients: readonly tf.Tensor[]): void;
}

/** Options of {@link adaptiveFineTune}. */
export interface AdaptiveFineTuneOptions {
  /** α of Eq. 9, the weight of the activation-distance term: a finite number >= 0. */
  alpha: number;
  /** Epochs to train, a positive integer. */
  epochs: number;
  /** Global index of the first epoch (the epochs' seeds depend on it). @default 0 */
  startEpoch?: number;
  /** Pairs (x, x̃) per batch, a positive integer. */
  batchSize: number;
  /** Updates the model's trainable weights; not disposed here. */
  optimizer: AdaptiveFineTuneOptimizer;
  /** Seed of the batch orders, an integer in [0, 2^32). */
  seed: number;
  /**
   * The seed of epoch `epoch`'s batch order (to follow another training loop's seeding).
   * @default (epoch) => deriveSeed(seed, 'adaptive-fine-tune', epoch)
   */
  epochSeed?: (epoch: number) => number;
  /** Layers whose outputs `Iᵢ` enter the activation term (e.g. the ReLU after each conv). */
  layers: readonly string[];
  /** Called before each batch, e.g. to reseed dropout (`setDropoutStep` of `@none/models`). */
  onBatchBegin?: (epoch: number, batch: number) => void;
  /** Called after each epoch with its mean loss per sample. */
  onEpochEnd?: (epoch: number, loss: number) => void | Promise<void>;
}

/** Copies the samples `order[start..end)` into a float32 NHWC batch in [0, 1] with labels. */
function gather(
  dataset: ImageDataset,
  order: ArrayLike<number>,
  start: number,
  end: number,
): { images: Float32Array; labels: Int32Array } {
  const image = new Float64Array(dataset.shape[1] * dataset.shape[2] * dataset.shape[3]);
  const images = new Float32Array((end - start) * image.length);
  const labels = Int32Array.from({ length: end - start }, (_, b) => {
    readImage(dataset.images, order[start + b]!, image);
    images.set(image, b * image.length);
    return dataset.labels[order[start + b]!]!;
  });
  return { images, labels };
}

function checkPairs(fn: string, clean: ImageDataset, triggered: ImageDataset): void {
  datasetDims(fn, clean, 'clean');
  datasetDims(fn, triggered, 'triggered');
  if (clean.shape.join() !== triggered.shape.join()) {
    throw shapeError(
      `${fn}: clean is [${clean.shape.join(', ')}] but triggered is [${triggered.shape.join(', ')}]; x̃ must be x with the trigger`,
    );
  }
}

/**
 * The attacker's fine-tune of the NONE paper's adaptive attack (§8.10): per batch of clean
 * samples `x` (labels `y`) and the same samples with the trigger `x̃` (labels `y_t`), one
 * optimizer step on Eq. 9, `CE(F(x), y) + CE(F(x̃), y_t) + α Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²`
 * ({@link adaptiveAttackLoss}, training mode), the activation sum averaged over the batch (a
 * per-sample sum, so that α does not depend on the batch size). Epoch `e` visits the pairs in
 * the order `createRandom(epochSeed(e)).shuffle([0, n))`. Trains `model` in place.
 *
 * @param model - a built tfjs LayersModel with logits out.
 * @param clean - `x` with its true labels.
 * @param triggered - `x̃`: `clean` with the trigger, same shape, labelled with the target.
 * @param options - see {@link AdaptiveFineTuneOptions}.
 * @returns the mean loss per sample of each epoch.
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a bad option, `E_SHAPE_MISMATCH` when `clean`
 *   and `triggered` differ in shape, and `E_INVALID_ARGUMENT` when the loss becomes NaN or
 *   ±Infinity (the message says to lower the learning rate or alpha).
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer(variables, { type: 'sgd', learningRate: 0.005 });
 * await adaptiveFineTune(model, clean, triggered, {
 *   alpha: 0.01, epochs: 5, batchSize: 64, optimizer, seed: 0, layers: ['conv1_act', 'fc1_act'],
 * });
 * ```
 * @see K. Liu et al., "Training with More Confidence: Mitigating Injected and Natural Backdoors
 * During Training", NeurIPS 2022, §8.10, Eq. 9, Table 16.
 */
export async function adaptiveFineTune(
  model: LayersModel,
  clean: ImageDataset,
  triggered: ImageDataset,
  options: AdaptiveFineTuneOptions,
): Promise<number[]> {
  const fn = 'adaptiveFineTune';
  checkModel(fn, model);
  const { alpha, epochs, startEpoch = 0, batchSize, optimizer, seed, layers } = options;
  assertNumber(fn, 'alpha', alpha, 0, Number.MAX_VALUE);
  assertInteger(fn, 'epochs', epochs, 1, Number.MAX_SAFE_INTEGER);
  assertInteger(fn, 'startEpoch', startEpoch, 0, Number.MAX_SAFE_INTEGER);
  assertInteger(fn, 'batchSize', batchSize, 1, Number.MAX_SAFE_INTEGER);
  assertSeed(fn, 'seed', seed);
  if (typeof optimizer?.applyGradients !== 'function') {
    throw invalid(`${fn}: optimizer must have applyGradients(gradients), got ${typeof optimizer}`);
  }
  checkPairs(fn, clean, triggered);
  const epochSeed =
    options.epochSeed ?? ((epoch: number) => deriveSeed(seed, 'adaptive-fine-tune', epoch));
  const [n, h, w, c] = clean.shape;
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const losses: number[] = [];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
    const order = createRandom(epochSeed(epoch)).shuffle(all.slice());
    let sum = 0;
    for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
      const end = Math.min(n, start + batchSize);
      const x = gather(clean, order, start, end);
      const xt = gather(triggered, order, start, end);
      options.onBatchBegin?.(epoch, batch);
      const size = end - start;
      const loss = tf.tidy(() => {
        const benign = tf.tensor4d(x.images, [size, h, w, c]);
        const poisoned = tf.tensor4d(xt.images, [size, h, w, c]);
        const labels = tf.tensor1d(x.labels, 'int32');
        const targetLabels = tf.tensor1d(xt.labels, 'int32');
        const { value, grads } = tf.variableGrads(
          () =>
            adaptiveAttackLoss(
              model,
              { benign, labels, triggered: poisoned, targetLabels },
              { alpha: alpha / size, layers },
            ),
          variables,
        );
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        return value;
      });
      const value = (await loss.data())[0]!;
      loss.dispose();
      if (!Number.isFinite(value)) {
        throw invalid(
          `${fn}: the loss became ${value} at epoch ${epoch}, batch ${batch} (alpha ${alpha}); lower the learning rate or alpha`,
        );
      }
      sum += value * size;
    }
    losses.push(sum / n);
    await options.onEpochEnd?.(epoch, sum / n);
  }
  return losses;
}

/**
 * Mean over the samples of `Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²` in inference mode: how far the trigger
 * moves the activations of `layers`, the quantity {@link adaptiveFineTune} makes small.
 *
 * @param model - a built tfjs LayersModel.
 * @param clean - `x`.
 * @param triggered - `x̃`, the same shape.
 * @param layers - names of the layers whose outputs are compared, at least one.
 * @param batchSize - samples per forward pass. @default 256
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an unknown layer or a bad batch size,
 *   `E_SHAPE_MISMATCH` when `clean` and `triggered` differ in shape.
 */
export async function activationDistance(
  model: LayersModel,
  clean: ImageDataset,
  triggered: ImageDataset,
  layers: readonly string[],
  batchSize = 256,
): Promise<number> {
  const fn = 'activationDistance';
  checkModel(fn, model);
  checkPairs(fn, clean, triggered);
  assertInteger(fn, 'batchSize', batchSize, 1, Number.MAX_SAFE_INTEGER);
  if (!Array.isArray(layers) || layers.length === 0) {
    throw invalid(`${fn}: layers must be a non-empty array of layer names`);
  }
  const known = new Set(model.layers.map((layer) => layer.name));
  for (const name of layers) {
    if (!known.has(name)) {
      throw invalid(
        `${fn}: layers contains '${name}', which is not a layer of the model (layers: ${[...known].join(', ')})`,
      );
    }
  }
  const [n, h, w, c] = clean.shape;
  const extractor = functionalModel({
    inputs: model.inputs,
    outputs: layers.map((name) => model.getLayer(name).output as SymbolicTensor),
  });
  const all = Int32Array.from({ length: n }, (_, i) => i);
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const x = gather(clean, all, start, end);
    const xt = gather(triggered, all, start, end);
    const value = tf.tidy(() => {
      const a = extractor.predict(tf.tensor4d(x.images, [end - start, h, w, c])) as
        | tf.Tensor
        | tf.Tensor[];
      const b = extractor.predict(tf.tensor4d(xt.images, [end - start, h, w, c])) as
        | tf.Tensor
        | tf.Tensor[];
      const la = Array.isArray(a) ? a : [a];
      const lb = Array.isArray(b) ? b : [b];
      return tf.addN(la.map((t, i) => tf.sum(tf.squaredDifference(t, lb[i]!))));
    });
    total += (await value.data())[0]!;
    value.dispose();
  }
  return total / n;
}
