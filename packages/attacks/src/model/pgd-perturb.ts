import { createRandom, deriveSeed } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertInteger, assertNumber, assertOneOf, assertSeed } from '../_validate';
import { AttackError } from '../errors';
import {
  checkInputFits,
  checkLabels,
  checkModel,
  imagesToTensor,
  logitsOf,
  type ModelImages,
} from './_model';

/** Norms {@link pgdPerturb} supports. */
export const PGD_NORMS = ['linf'] as const;

/** Options of {@link pgdPerturb}. */
export interface PgdOptions {
  /** Radius of the L-inf ball, in pixel units of [0, 1] (e.g. 8/255), in (0, 1]. */
  epsilon: number;
  /** Step of each signed-gradient ascent step. @default 2.5 * epsilon / steps (Madry et al.) */
  stepSize?: number;
  /** Number of ascent steps, an integer in [1, 10000]. @default 10 */
  steps?: number;
  /** Seed of the random start, an integer in [0, 2^32). */
  seed: number;
  /** The threat model; only `'linf'` for now. @default 'linf' */
  norm?: 'linf';
  /** Start at a uniform random point of the ball (otherwise at the image). @default true */
  randomStart?: boolean;
  /** Images per forward/backward pass. @default 128 */
  batchSize?: number;
}

/** Defaults of {@link PgdOptions}. */
export const PGD_DEFAULTS = {
  steps: 10,
  norm: 'linf',
  randomStart: true,
  batchSize: 128,
} as const;

/** Validated PGD settings. */
export interface ResolvedPgd {
  epsilon: number;
  stepSize: number;
  steps: number;
  seed: number;
  randomStart: boolean;
  batchSize: number;
}

export function resolvePgdOptions(fn: string, options: PgdOptions, prefix = ''): ResolvedPgd {
  if (typeof options !== 'object' || options === null) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: options must be an object { epsilon, seed, ... }, got ${String(options)}`,
    );
  }
  const {
    epsilon,
    steps = PGD_DEFAULTS.steps,
    seed,
    norm = PGD_DEFAULTS.norm,
    randomStart = PGD_DEFAULTS.randomStart,
    batchSize = PGD_DEFAULTS.batchSize,
  } = options;
  assertNumber(fn, `${prefix}epsilon`, epsilon, 0, 1);
  if (epsilon === 0) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: ${prefix}epsilon must be > 0 (e.g. 8/255), got 0`,
    );
  }
  assertInteger(fn, `${prefix}steps`, steps, 1, 10000);
  const stepSize = options.stepSize ?? (2.5 * epsilon) / steps;
  assertNumber(fn, `${prefix}stepSize`, stepSize, Number.MIN_VALUE, 1);
  assertSeed(fn, `${prefix}seed`, seed);
  assertOneOf(fn, `${prefix}norm`, norm, PGD_NORMS);
  if (typeof randomStart !== 'boolean') {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: ${prefix}randomStart must be a boolean, got ${String(randomStart)}`,
    );
  }
  assertInteger(fn, `${prefix}batchSize`, batchSize, 1, 65536);
  return { epsilon, stepSize, steps, seed, randomStart, batchSize };
}

/**
 * The random start of images `[start, start + count)`: uniform in [-epsilon, epsilon], image
 * `i` drawn from the stream `deriveSeed(seed, 'pgd-start', i)`.
 */
function randomStartNoise(
  seed: number,
  start: number,
  count: number,
  imageSize: number,
  epsilon: number,
): Float32Array {
  const out = new Float32Array(count * imageSize);
  for (let k = 0; k < count; k++) {
    const random = createRandom(deriveSeed(seed, 'pgd-start', start + k));
    const offset = k * imageSize;
    for (let j = 0; j < imageSize; j++) out[offset + j] = (2 * random.next() - 1) * epsilon;
  }
  return out;
}

/**
 * PGD on a validated float tensor: returns a new tensor (the caller disposes it).
 * Per-image randomness depends on `(seed, index)`, not on the batching.
 */
export function pgdTensor(
  model: LayersModel,
  images: tf.Tensor4D,
  labels: Int32Array,
  numClasses: number,
  settings: ResolvedPgd,
): tf.Tensor4D {
  const { epsilon, stepSize, steps, seed, randomStart, batchSize } = settings;
  const [n, height, width, channels] = images.shape;
  const imageSize = height * width * channels;
  const lossOf = (oneHot: tf.Tensor2D) => (x: tf.Tensor) =>
    tf.losses.softmaxCrossEntropy(
      oneHot,
      logitsOf(model, x),
      undefined,
      undefined,
      tf.Reduction.SUM,
    ) as tf.Scalar;
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const [clean, oneHot, lower, upper] = tf.tidy(() => {
        const slice = tf.slice(images, [start, 0, 0, 0], [count, -1, -1, -1]);
        return [
          slice,
          tf.oneHot(tf.tensor1d(labels.subarray(start, start + count), 'int32'), numClasses),
          tf.maximum(tf.sub(slice, epsilon), 0),
          tf.minimum(tf.add(slice, epsilon), 1),
        ] as [tf.Tensor4D, tf.Tensor2D, tf.Tensor4D, tf.Tensor4D];
      });
      let x: tf.Tensor4D = randomStart
        ? tf.tidy(() => {
            const noise = tf.tensor4d(randomStartNoise(seed, start, count, imageSize, epsilon), [
              count,
              height,
              width,
              channels,
            ]);
            return tf.clipByValue(tf.add(clean, noise), 0, 1) as tf.Tensor4D;
          })
        : clean.clone();
      const gradient = tf.grad(lossOf(oneHot));
      for (let step = 0; step < steps; step++) {
        const next = tf.tidy(() => {
          const g = gradient(x) as tf.Tensor4D;
          const moved = tf.add(x, tf.mul(tf.sign(g), stepSize));
          return tf.minimum(tf.maximum(moved, lower), upper) as tf.Tensor4D;
        });
        x.dispose();
        x = next;
      }
      parts.push(x);
      tf.dispose([clean, oneHot, lower, upper]);
    }
    if (parts.length === 0) return tf.zeros([0, height, width, channels]);
    if (parts.length === 1) return parts.pop()!;
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

/**
 * Untargeted projected gradient descent (Madry et al.) with an L-inf random start: moves
 * each image, within `epsilon` of the original and within [0, 1], in the direction that
 * increases the model's softmax cross-entropy on its true label
 * (`x ← clip(x + stepSize · sign(∇x CE(model(x), y)))`).
 *
 * The model must output logits. Returns a new float32 `tf.Tensor4D`: the caller must
 * dispose it. The inputs are not modified and every intermediate tensor is disposed.
 * The random start of image `i` is drawn from `(seed, i)`: the same seed and `batchSize`
 * give the same result; another `batchSize` gives the same random start, but a backend may
 * round the gradient differently, which can flip the sign of near-zero gradient entries.
 *
 * @example
 * ```ts
 * const adversarial = pgdPerturb(model, x, labels, { epsilon: 0.1, steps: 10, seed: 0 });
 * // max |adversarial - x| <= 0.1; the loss of `model` is higher on `adversarial`
 * adversarial.dispose();
 * ```
 * @param model A tfjs LayersModel with NHWC input and logits output.
 * @param images float32 NHWC images in [0, 1]: a `tf.Tensor4D` or `{ images, shape }`.
 * @param labels The true class of each image (`Int32Array` or int32 `tf.Tensor1D`).
 * @return The perturbed images, same shape (caller disposes).
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an option out of range or labels out of
 * [0, K); `E_SHAPE_MISMATCH` when images, labels and model do not fit.
 * @see A. Madry, A. Makelov, L. Schmidt, D. Tsipras, A. Vladu, "Towards Deep Learning
 * Models Resistant to Adversarial Attacks", ICLR 2018.
 */
export function pgdPerturb(
  model: LayersModel,
  images: ModelImages,
  labels: Int32Array | tf.Tensor1D,
  options: PgdOptions,
): tf.Tensor4D {
  const fn = 'pgdPerturb';
  const numClasses = checkModel(fn, model);
  const settings = resolvePgdOptions(fn, options);
  const { tensor, owned } = imagesToTensor(fn, images);
  try {
    const [n, height, width, channels] = tensor.shape;
    checkInputFits(fn, model, [height, width, channels]);
    const labelArray =
      labels instanceof tf.Tensor
        ? Int32Array.from(labels.dataSync() as ArrayLike<number>)
        : labels;
    checkLabels(fn, labelArray, n, numClasses);
    return pgdTensor(model, tensor, labelArray, numClasses, settings);
  } finally {
    if (owned) tensor.dispose();
  }
}
