import { createRandom, deriveSeed } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertInteger, assertNumber, assertSeed } from '../_validate';
import { AttackError } from '../errors';
import type { MaskedTrigger } from '../masked-trigger';
import {
  checkInputFits,
  checkLabels,
  checkModel,
  imagesToTensor,
  logitsOf,
  type ModelImages,
  predictClasses,
} from './_model';

/** Options of {@link reverseEngineerTrigger}. */
export interface ReverseEngineerOptions {
  /** The label the trigger should flip images to, an integer in [0, K). */
  target: number;
  /** Budget of the mask: its L1 area may be at most `maxMaskFraction * height * width`; in (0, 1]. */
  maxMaskFraction: number;
  /** Adam steps, an integer in [1, 100000]. @default 200 */
  steps?: number;
  /** Adam learning rate on the unconstrained mask and pattern parameters. @default 0.1 */
  learningRate?: number;
  /** Images per step (drawn with replacement from the non-target images). @default 32 */
  batchSize?: number;
  /**
   * Weight λ of the area hinge `λ · max(0, ‖m‖₁ − B) / B` at the first step; it grows
   * linearly to `penaltyGrowth · λ` at the last step. @default 1
   */
  penaltyWeight?: number;
  /** Factor the hinge weight grows by over the optimisation, >= 1. @default 10 */
  penaltyGrowth?: number;
  /**
   * True class of each image; images of class `target` are left out of the optimisation and
   * of the ASR. Defaults to `images.labels` when `images` is a dataset, else to the model's
   * own predictions.
   */
  labels?: Int32Array;
  /** Seed of the initial mask and pattern and of the batches, an integer in [0, 2^32). */
  seed: number;
}

/** Defaults of {@link ReverseEngineerOptions}. */
export const REVERSE_ENGINEER_DEFAULTS = {
  steps: 200,
  learningRate: 0.1,
  batchSize: 32,
  penaltyWeight: 1,
  penaltyGrowth: 10,
} as const;

/** Result of {@link reverseEngineerTrigger}. */
export interface ReverseEngineeredTrigger {
  /** `m`, `height * width` values in [0, 1], at most `floor(maxMaskFraction * H * W)` non-zero. */
  mask: Float32Array;
  /** `t`, `height * width * channels` values in [0, 1] (HWC). */
  pattern: Float32Array;
  /** The same trigger as a core {@link MaskedTrigger} (mask repeated over channels), for `applyMaskedTrigger`. */
  trigger: MaskedTrigger;
  /** Attack success rate of the budget-limited trigger on the non-target images. */
  asr: number;
  /** `‖m‖₁` of the budget-limited mask, in pixels. */
  maskArea: number;
  /** Most pixels the mask may use: `floor(maxMaskFraction * height * width)`. */
  budgetPixels: number;
  /** Images the ASR was measured on (those not of class `target`). */
  evaluated: number;
  /** Softmax cross-entropy toward `target` on the last optimisation batch (before the limit). */
  finalLoss: number;
}

/** Validated settings shared with {@link naturalTrojanScan}. */
export interface ResolvedReverseEngineer {
  steps: number;
  learningRate: number;
  batchSize: number;
  penaltyWeight: number;
  penaltyGrowth: number;
}

export function resolveReverseEngineerSettings(
  fn: string,
  options: Partial<ResolvedReverseEngineer>,
): ResolvedReverseEngineer {
  const {
    steps = REVERSE_ENGINEER_DEFAULTS.steps,
    learningRate = REVERSE_ENGINEER_DEFAULTS.learningRate,
    batchSize = REVERSE_ENGINEER_DEFAULTS.batchSize,
    penaltyWeight = REVERSE_ENGINEER_DEFAULTS.penaltyWeight,
    penaltyGrowth = REVERSE_ENGINEER_DEFAULTS.penaltyGrowth,
  } = options;
  assertInteger(fn, 'steps', steps, 1, 100000);
  assertNumber(fn, 'learningRate', learningRate, Number.MIN_VALUE, 100);
  assertInteger(fn, 'batchSize', batchSize, 1, 65536);
  assertNumber(fn, 'penaltyWeight', penaltyWeight, 0, 1e6);
  assertNumber(fn, 'penaltyGrowth', penaltyGrowth, 1, 1e6);
  return { steps, learningRate, batchSize, penaltyWeight, penaltyGrowth };
}

/** Images (owned by the caller) with their labels resolved. */
export interface PreparedImages {
  tensor: tf.Tensor4D;
  labels: Int32Array;
  numClasses: number;
  height: number;
  width: number;
  channels: number;
}

export function prepareImages(
  fn: string,
  model: LayersModel,
  images: ModelImages,
  labels: Int32Array | undefined,
): { prepared: PreparedImages; owned: boolean } {
  const numClasses = checkModel(fn, model);
  const { tensor, owned } = imagesToTensor(fn, images);
  try {
    const [n, height, width, channels] = tensor.shape;
    checkInputFits(fn, model, [height, width, channels]);
    const given =
      labels ??
      (!(images instanceof tf.Tensor) && 'labels' in images
        ? (images as { labels: Int32Array }).labels
        : undefined);
    let resolved: Int32Array;
    if (given === undefined) resolved = predictClasses(model, tensor, 256);
    else {
      checkLabels(fn, given, n, numClasses);
      resolved = given;
    }
    return {
      prepared: { tensor, labels: resolved, numClasses, height, width, channels },
      owned,
    };
  } catch (error) {
    if (owned) tensor.dispose();
    throw error;
  }
}

/** Keeps the `k` largest mask values (ties: lower index first) and zeroes the rest. */
export function limitMask(mask: Float32Array, k: number): Float32Array {
  const order = Array.from(mask.keys()).sort((a, b) => mask[b]! - mask[a]! || a - b);
  const out = new Float32Array(mask.length);
  for (let r = 0; r < k && r < order.length; r++) out[order[r]!] = mask[order[r]!]!;
  return out;
}

/** Fraction of `indices` whose triggered image is classified as `target`. */
function attackSuccessRate(
  model: LayersModel,
  images: tf.Tensor4D,
  indices: Int32Array,
  mask: Float32Array,
  pattern: Float32Array,
  target: number,
  batchSize: number,
): number {
  if (indices.length === 0) return 0;
  const [, height, width, channels] = images.shape;
  let hits = 0;
  const m = tf.tensor3d(mask, [height, width, 1]);
  const t = tf.tensor3d(pattern, [height, width, channels]);
  try {
    for (let start = 0; start < indices.length; start += batchSize) {
      const part = indices.subarray(start, Math.min(indices.length, start + batchSize));
      const predicted = tf.tidy(() => {
        const x = tf.gather(images, tf.tensor1d(part, 'int32'));
        const stamped = tf.add(tf.mul(tf.sub(1, m), x), tf.mul(m, t));
        return tf.argMax(logitsOf(model, stamped), 1);
      });
      const values = predicted.dataSync();
      predicted.dispose();
      for (let i = 0; i < values.length; i++) if (values[i] === target) hits += 1;
    }
  } finally {
    tf.dispose([m, t]);
  }
  return hits / indices.length;
}

/** The optimisation of {@link reverseEngineerTrigger} on prepared images. */
export function reverseEngineerPrepared(
  model: LayersModel,
  prepared: PreparedImages,
  target: number,
  maxMaskFraction: number,
  settings: ResolvedReverseEngineer,
  seed: number,
): ReverseEngineeredTrigger {
  const { tensor, labels, numClasses, height, width, channels } = prepared;
  const { steps, learningRate, batchSize, penaltyWeight, penaltyGrowth } = settings;
  const area = height * width;
  const budget = maxMaskFraction * area;
  const budgetPixels = Math.floor(budget + 1e-9);
  const pool = Int32Array.from(Array.from(labels.keys()).filter((i) => labels[i] !== target));
  const random = createRandom(deriveSeed(seed, 'reverse-engineer-init'));
  // Mask starts near the budget fraction everywhere, pattern uniform in (0, 1).
  const start = Math.log(maxMaskFraction / (1 - Math.min(maxMaskFraction, 0.999)));
  const maskInit = Float32Array.from({ length: area }, () => start + (random.next() - 0.5));
  const patternInit = Float32Array.from({ length: area * channels }, () => 2 * random.next() - 1);
  const maskStart = tf.tensor3d(maskInit, [height, width, 1]);
  const patternStart = tf.tensor3d(patternInit, [height, width, channels]);
  const maskParam = tf.variable(maskStart, true);
  const patternParam = tf.variable(patternStart, true);
  tf.dispose([maskStart, patternStart]);
  const optimizer = tf.train.adam(learningRate);
  const targetRow = new Float32Array(numClasses);
  targetRow[target] = 1;
  let finalLoss = Number.NaN;
  try {
    if (pool.length > 0) {
      for (let step = 0; step < steps; step++) {
        const batchRandom = createRandom(deriveSeed(seed, 'reverse-engineer-batch', step));
        const batch = Int32Array.from(
          { length: Math.min(batchSize, pool.length) },
          () => pool[batchRandom.int(pool.length)]!,
        );
        const weight = penaltyWeight * (1 + ((penaltyGrowth - 1) * step) / Math.max(1, steps - 1));
        const last = step === steps - 1;
        tf.tidy(() => {
          const x = tf.gather(tensor, tf.tensor1d(batch, 'int32'));
          const oneHot = tf.tile(tf.tensor2d(targetRow, [1, numClasses]), [batch.length, 1]);
          const cost = optimizer.minimize(
            () => {
              const m = tf.sigmoid(maskParam);
              const t = tf.div(tf.add(tf.tanh(patternParam), 1), 2);
              const stamped = tf.add(tf.mul(tf.sub(1, m), x), tf.mul(m, t));
              const ce = tf.losses.softmaxCrossEntropy(oneHot, logitsOf(model, stamped));
              const excess = tf.relu(tf.sub(tf.sum(m), budget));
              return tf.add(ce, tf.mul(excess, weight / budget)) as tf.Scalar;
            },
            last,
            [maskParam, patternParam],
          );
          if (cost) finalLoss = cost.dataSync()[0]!;
        });
      }
    }
    const maskTensor = tf.sigmoid(maskParam);
    const patternTensor = tf.tidy(() => tf.div(tf.add(tf.tanh(patternParam), 1), 2));
    const mask = limitMask(maskTensor.dataSync() as Float32Array, budgetPixels);
    const pattern = Float32Array.from(patternTensor.dataSync());
    tf.dispose([maskTensor, patternTensor]);
    let maskArea = 0;
    for (const v of mask) maskArea += v;
    const asr = attackSuccessRate(model, tensor, pool, mask, pattern, target, 256);
    const fullMask = new Float32Array(area * channels);
    for (let p = 0; p < area; p++) {
      for (let c = 0; c < channels; c++) fullMask[p * channels + c] = mask[p]!;
    }
    return {
      mask,
      pattern,
      trigger: { height, width, channels, mask: fullMask, pattern: Float32Array.from(pattern) },
      asr,
      maskArea,
      budgetPixels,
      evaluated: pool.length,
      finalLoss,
    };
  } finally {
    optimizer.dispose();
    tf.dispose([maskParam, patternParam]);
  }
}

/**
 * Reverse-engineers a trigger toward `target` (Neural Cleanse style, as ABS and the NONE
 * paper's §5.2 natural-Trojan evaluation do): optimises a mask `m = sigmoid(w)` (H x W) and
 * a pattern `t = (tanh(v) + 1) / 2` (H x W x C) with Adam on
 * `CE(model((1 − m) ⊙ x + m ⊙ t), target) + λ · max(0, ‖m‖₁ − B) / B`, where
 * `B = maxMaskFraction · H · W` and the hinge weight λ grows linearly from `penaltyWeight`
 * to `penaltyGrowth · penaltyWeight`. The mask is then hard-limited to the budget: only its
 * `floor(B)` largest values are kept (the others set to 0), so `‖m‖₁ <= B`. The ASR is
 * measured with that limited mask on the given images that are not of class `target`.
 *
 * The model must output logits. Deterministic for a seed. The inputs are not modified; every
 * tensor (variables and the Adam state included) is disposed.
 *
 * @example
 * ```ts
 * const { mask, pattern, asr } = reverseEngineerTrigger(model, test, {
 *   target: 0, maxMaskFraction: 0.02, steps: 200, seed: 0 });
 * asr; // close to 1 for a model with a BadNets backdoor toward class 0
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an option out of range;
 * `E_SHAPE_MISMATCH` when the images or labels do not fit the model.
 * @see B. Wang et al., "Neural Cleanse: Identifying and Mitigating Backdoor Attacks in
 * Neural Networks", IEEE S&P 2019; Y. Liu et al., "ABS: Scanning Neural Networks for
 * Back-doors by Artificial Brain Stimulation", CCS 2019.
 */
export function reverseEngineerTrigger(
  model: LayersModel,
  images: ModelImages,
  options: ReverseEngineerOptions,
): ReverseEngineeredTrigger {
  const fn = 'reverseEngineerTrigger';
  if (typeof options !== 'object' || options === null) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: options must be an object { target, maxMaskFraction, seed, ... }, got ${String(options)}`,
    );
  }
  const numClasses = checkModel(fn, model);
  const { target, maxMaskFraction, seed } = options;
  assertInteger(fn, 'target', target, 0, numClasses - 1);
  assertNumber(fn, 'maxMaskFraction', maxMaskFraction, Number.MIN_VALUE, 1);
  assertSeed(fn, 'seed', seed);
  const settings = resolveReverseEngineerSettings(fn, options);
  const { prepared, owned } = prepareImages(fn, model, images, options.labels);
  try {
    if (Math.floor(maxMaskFraction * prepared.height * prepared.width + 1e-9) < 1) {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: maxMaskFraction ${maxMaskFraction} allows no whole pixel of a ${prepared.height}x${prepared.width} image; use at least ${(1 / (prepared.height * prepared.width)).toFixed(6)}`,
      );
    }
    return reverseEngineerPrepared(model, prepared, target, maxMaskFraction, settings, seed);
  } finally {
    if (owned) prepared.tensor.dispose();
  }
}
