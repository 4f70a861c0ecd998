import { createRandom, deriveSeed, type Random } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sampleSorted } from '../_sample';
import { assertInteger, assertNumber, assertSeed, batchDims, invalid } from '../_validate';
import { AttackError } from '../errors';
import type { TriggerColor } from '../trigger-geometry';
import { type PatchPattern, patchValues } from '../triggers/_patch';
import type { ImageArray, ImageBatch, ImageDataset, ImageShape } from '../types';
import { checkInputFits, imagesToTensor, type ModelImages, shapeError } from './_model';

/** The hidden trigger: a square patch pasted at a random position of the source images. */
export interface HiddenTriggerPatch {
  /** Side of the square patch in pixels, an integer in [1, min(height, width)]. */
  size: number;
  /**
   * Content of the patch: `'solid'`, `'checkerboard'` (the colour where `row + col` is even,
   * black elsewhere) or explicit values in [0, 1] (`size * size`, broadcast to every
   * channel, or `size * size * channels`, HWC). Saha et al. use a random 4x4 colour pattern
   * resized to the patch: pass its values. @default 'checkerboard'
   */
  pattern?: PatchPattern;
  /** Colour of `'solid'` and `'checkerboard'`. @default 1 (white) */
  color?: TriggerColor;
}

/** Defaults of {@link HiddenTriggerPatch}. */
export const HIDDEN_TRIGGER_PATCH_DEFAULTS = {
  pattern: 'checkerboard',
  color: 1,
} as const satisfies Partial<HiddenTriggerPatch>;

/** Options of {@link pasteTriggerAtRandom}. */
export interface PasteTriggerOptions {
  /** Seed of the positions: image `i` gets its position from `(seed, i)`. Integer in [0, 2^32). */
  seed: number;
}

/** Result of {@link pasteTriggerAtRandom}: new images of the input's type and shape. */
export interface PastedTriggerBatch<T extends ImageArray = ImageArray> {
  images: T;
  shape: ImageBatch['shape'];
  /** `[row, col]` of the patch's top-left pixel, per image: `2 * n` values. */
  positions: Int32Array;
}

/** Options of {@link hiddenTriggerPoison}. */
export interface HiddenTriggerOptions {
  /** Images of the target class: each one becomes one poison (its starting point). */
  targetImages: ModelImages;
  /** Images of the source class, on which the trigger is pasted during the optimisation. */
  sourceImages: ModelImages;
  /** The trigger pasted on the source images (never on the poisons). */
  trigger: HiddenTriggerPatch;
  /** The target class the poisons are labelled with, an integer in [0, numClasses). */
  target: number;
  /** Number of classes K of the labelled result (`dataset.numClasses`), an integer >= 2. */
  numClasses: number;
  /** L-inf radius around each target image, in (0, 1] (pixel units of [0, 1]). @default 16/255 */
  epsilon?: number;
  /** Gradient steps per batch of poisons, an integer in [1, 100000]. @default 5000 */
  steps?: number;
  /** Initial step size of the (unsigned) gradient descent. @default 0.01 */
  learningRate?: number;
  /** The learning rate is halved every `halveEvery` steps (as the authors' code). @default 1000 */
  halveEvery?: number;
  /** Seed of the source images and trigger positions drawn at each step; integer in [0, 2^32). */
  seed: number;
  /** Poisons optimised together (each paired with as many triggered source images). @default 100 */
  batchSize?: number;
  /** Called after every step with the mean paired squared feature distance of the batch. */
  onProgress?: (progress: HiddenTriggerProgress) => void;
}

/** What {@link HiddenTriggerOptions.onProgress} receives. */
export interface HiddenTriggerProgress {
  /** Index of the batch of poisons, in [0, batches). */
  batch: number;
  batches: number;
  /** Index of the step within the batch, in [0, steps). */
  step: number;
  steps: number;
  /** Learning rate of this step. */
  learningRate: number;
  /** Mean over the batch's poisons of `‖f(z) − f(s̃)‖²` (paired), before this step's update. */
  loss: number;
}

/** Defaults of {@link HiddenTriggerOptions} (the settings of Saha et al.). */
export const HIDDEN_TRIGGER_DEFAULTS = {
  epsilon: 16 / 255,
  steps: 5000,
  learningRate: 0.01,
  halveEvery: 1000,
  batchSize: 100,
} as const satisfies Partial<HiddenTriggerOptions>;

/** Result of {@link hiddenTriggerPoison}. */
export interface HiddenTriggerResult {
  /** The poisons (float32 NHWC in [0, 1], one per target image, same order), all labelled `target`. */
  dataset: ImageDataset<Float32Array>;
  /** Mean over all poisons of the paired squared feature distance at the first step. */
  initialLoss: number;
  /** The same at the last step (before its update). */
  finalLoss: number;
}

/** Validated patch: its HWC values and side. */
interface ResolvedPatch {
  side: number;
  values: Float64Array;
}

function resolvePatch(
  fn: string,
  trigger: HiddenTriggerPatch,
  height: number,
  width: number,
  channels: number,
): ResolvedPatch {
  if (typeof trigger !== 'object' || trigger === null) {
    throw invalid(`${fn}: trigger must be { size, pattern?, color? }, got ${String(trigger)}`);
  }
  const {
    size,
    pattern = HIDDEN_TRIGGER_PATCH_DEFAULTS.pattern,
    color = HIDDEN_TRIGGER_PATCH_DEFAULTS.color,
  } = trigger;
  assertInteger(fn, 'trigger.size', size, 1, Math.min(height, width));
  return { side: size, values: patchValues(fn, size, channels, pattern, color) };
}

/** Overwrites the patch at (row, col) of the float image starting at `offset`. */
function pastePatch(
  target: Float32Array,
  offset: number,
  width: number,
  channels: number,
  patch: ResolvedPatch,
  row: number,
  col: number,
): void {
  const { side, values } = patch;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const dst = offset + ((row + r) * width + col + c) * channels;
      const src = (r * side + c) * channels;
      for (let k = 0; k < channels; k++) target[dst + k] = values[src + k]!;
    }
  }
}

/** A uniform top-left position of a `side x side` patch. */
function randomPosition(
  random: Random,
  side: number,
  height: number,
  width: number,
): [number, number] {
  return [random.int(height - side + 1), random.int(width - side + 1)];
}

/**
 * Pastes the hidden trigger at a random position of every image: the triggered test
 * images of Saha et al. (the attack must work wherever the patch lands). Image `i` gets a
 * uniform position drawn from `(seed, i)`, so positions do not depend on the batch size.
 * The patch replaces the pixels (uint8 images get `round(v * 255)`); every other pixel is
 * copied unchanged. Returns new arrays of the input's type; the input is not modified.
 *
 * @example
 * ```ts
 * const triggered = pasteTriggerAtRandom(sourceTest, { size: 5 }, { seed: 1 });
 * triggered.positions; // [row0, col0, row1, col1, ...]
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a patch bigger than the images or a bad
 * pattern; `E_SHAPE_MISMATCH` for a batch whose values do not match its shape.
 * @see A. Saha, A. Subramanya, H. Pirsiavash, "Hidden Trigger Backdoor Attacks", AAAI 2020.
 */
export function pasteTriggerAtRandom<T extends ImageArray>(
  images: ImageBatch<T>,
  trigger: HiddenTriggerPatch,
  options: PasteTriggerOptions,
): PastedTriggerBatch<T> {
  const fn = 'pasteTriggerAtRandom';
  const dims = batchDims(fn, images, 'images');
  if (typeof options !== 'object' || options === null) {
    throw invalid(`${fn}: options must be an object { seed }, got ${String(options)}`);
  }
  assertSeed(fn, 'seed', options.seed);
  const { n, height, width, channels, imageSize } = dims;
  const patch = resolvePatch(fn, trigger, height, width, channels);
  const out = images.images.slice() as T;
  const positions = new Int32Array(2 * n);
  const scratch = new Float32Array(imageSize);
  for (let i = 0; i < n; i++) {
    const random = createRandom(deriveSeed(options.seed, 'hidden-trigger-paste', i));
    const [row, col] = randomPosition(random, patch.side, height, width);
    positions[2 * i] = row;
    positions[2 * i + 1] = col;
    if (out instanceof Float32Array) {
      pastePatch(out, i * imageSize, width, channels, patch, row, col);
    } else {
      pastePatch(scratch, 0, width, channels, patch, row, col);
      for (let r = 0; r < patch.side; r++) {
        for (let c = 0; c < patch.side; c++) {
          for (let k = 0; k < channels; k++) {
            const j = ((row + r) * width + col + c) * channels + k;
            out[i * imageSize + j] = Math.round(scratch[j]! * 255);
          }
        }
      }
    }
  }
  return { images: out, shape: [...images.shape] as ImageBatch['shape'], positions };
}

/** `[n, h, w, c]` float values in [0, 1] of model images (tensor or typed batch). */
function floatValues(fn: string, images: ModelImages, name: string) {
  const { tensor, owned } = imagesToTensor(fn, images, name);
  try {
    return {
      values: tensor.dataSync() as Float32Array,
      shape: tensor.shape as ImageShape,
    };
  } finally {
    if (owned) tensor.dispose();
  }
}

/**
 * A one-to-one pairing of rows (poisons) and columns (triggered sources) of a `b x b`
 * distance matrix, greedy: repeatedly the closest unpaired pair (ties: lowest row, then
 * column). Returns the column of each row.
 */
function greedyPairing(distances: Float64Array, b: number): Int32Array {
  const order = Int32Array.from({ length: b * b }, (_, i) => i);
  order.sort((p, q) => distances[p]! - distances[q]! || p - q);
  const columnOf = new Int32Array(b).fill(-1);
  const usedColumn = new Uint8Array(b);
  let paired = 0;
  for (let k = 0; k < order.length && paired < b; k++) {
    const row = Math.floor(order[k]! / b);
    const col = order[k]! % b;
    if (columnOf[row] !== -1 || usedColumn[col] === 1) continue;
    columnOf[row] = col;
    usedColumn[col] = 1;
    paired += 1;
  }
  return columnOf;
}

/** Squared Euclidean distances between the rows of `a` (b x d) and `s` (b x d). */
function pairwiseSquaredDistances(a: Float32Array, s: Float32Array, b: number, d: number) {
  const out = new Float64Array(b * b);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < b; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) {
        const diff = a[i * d + k]! - s[j * d + k]!;
        sum += diff * diff;
      }
      out[i * b + j] = sum;
    }
  }
  return out;
}

/**
 * The Hidden Trigger Backdoor Attack of Saha et al.: clean-looking poisons of the target
 * class that sit, in the feature space of a (frozen) feature extractor `f`, next to source
 * images carrying the trigger. Each poison `z` starts at a target image `t` and solves
 * `min ‖f(z) − f(s̃)‖²  s.t.  ‖z − t‖∞ <= epsilon, z in [0, 1]` by projected gradient
 * descent, where `s̃` is a source image with the trigger pasted at a random position.
 *
 * As in the paper's Algorithm 1, the poisons are optimised in batches of `batchSize`; at
 * every step a fresh set of source images (as many as poisons in the batch, without
 * replacement when there are enough) gets the trigger at fresh random positions, and the
 * poisons are paired one-to-one with them by greedy nearest-neighbour matching in feature
 * space; then `z ← clip(z − lr · ∇z Σ‖f(z) − f(s̃)‖², t ± epsilon, [0, 1])`, with the
 * learning rate halved every `halveEvery` steps (the authors' code). The poisons carry no
 * trigger: a model fine-tuned on them (with their correct label `target`) learns to put
 * triggered source images in the target class.
 *
 * The draws of step `s` of batch `b` come from `(seed, b, s)`: the same seed and batch size
 * give the same poisons. The feature extractor may output any `[null, ...]` shape
 * (flattened per image). Inputs are not modified; every tensor is disposed.
 *
 * Transfer-learning use (the NONE paper's Table 1): a feature extractor trained on clean
 * data (`cutModel(model).features` of `@none/models`), then only the last layer fine-tuned
 * on clean data plus the poisons; ASR = share of {@link pasteTriggerAtRandom}-triggered source test images
 * classified as `target` (see the README).
 *
 * @example
 * ```ts
 * const f = cutModel(pretrained).features; // cutModel of @none/models
 * const { dataset: poisons } = hiddenTriggerPoison(f, {
 *   targetImages, sourceImages, trigger: { size: 5 }, target: 1, numClasses: 2,
 *   steps: 500, seed: 0 });
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an option out of range or a bad trigger;
 * `E_SHAPE_MISMATCH` when the images differ in size or do not fit the extractor.
 * @see A. Saha, A. Subramanya, H. Pirsiavash, "Hidden Trigger Backdoor Attacks",
 * AAAI 2020 (arXiv:1910.00033).
 */
export function hiddenTriggerPoison(
  featureExtractor: tfl.LayersModel,
  options: HiddenTriggerOptions,
): HiddenTriggerResult {
  const fn = 'hiddenTriggerPoison';
  if (
    typeof featureExtractor !== 'object' ||
    featureExtractor === null ||
    typeof (featureExtractor as { apply?: unknown }).apply !== 'function' ||
    !Array.isArray((featureExtractor as { outputs?: unknown }).outputs)
  ) {
    throw invalid(
      `${fn}: featureExtractor must be a tfjs LayersModel (e.g. cutModel(model).features of @none/models), got ${featureExtractor === null ? 'null' : typeof featureExtractor}`,
    );
  }
  if (featureExtractor.outputs.length !== 1) {
    throw invalid(
      `${fn}: featureExtractor must have exactly 1 output (the features), got ${featureExtractor.outputs.length}`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw invalid(
      `${fn}: options must be an object { targetImages, sourceImages, trigger, target, numClasses, seed, ... }, got ${String(options)}`,
    );
  }
  const {
    epsilon = HIDDEN_TRIGGER_DEFAULTS.epsilon,
    steps = HIDDEN_TRIGGER_DEFAULTS.steps,
    learningRate = HIDDEN_TRIGGER_DEFAULTS.learningRate,
    halveEvery = HIDDEN_TRIGGER_DEFAULTS.halveEvery,
    batchSize = HIDDEN_TRIGGER_DEFAULTS.batchSize,
    seed,
    target,
    numClasses,
    onProgress,
  } = options;
  assertInteger(fn, 'numClasses', numClasses, 2, 2 ** 31 - 1);
  assertInteger(fn, 'target', target, 0, numClasses - 1);
  assertNumber(fn, 'epsilon', epsilon, 0, 1);
  if (epsilon === 0) throw invalid(`${fn}: epsilon must be > 0 (e.g. 16/255), got 0`);
  assertInteger(fn, 'steps', steps, 1, 100000);
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw invalid(`${fn}: learningRate must be a finite number > 0, got ${String(learningRate)}`);
  }
  assertInteger(fn, 'halveEvery', halveEvery, 1, 2 ** 31 - 1);
  assertInteger(fn, 'batchSize', batchSize, 1, 4096);
  assertSeed(fn, 'seed', seed);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalid(`${fn}: onProgress must be a function, got ${typeof onProgress}`);
  }

  const targets = floatValues(fn, options.targetImages, 'targetImages');
  const sources = floatValues(fn, options.sourceImages, 'sourceImages');
  const [n, height, width, channels] = targets.shape;
  const sourceCount = sources.shape[0];
  if (sources.shape[1] !== height || sources.shape[2] !== width || sources.shape[3] !== channels) {
    throw shapeError(
      `${fn}: sourceImages are ${sources.shape.slice(1).join('x')} but targetImages are ${height}x${width}x${channels}`,
    );
  }
  if (sourceCount === 0) {
    throw new AttackError(
      'E_NOT_ENOUGH_SAMPLES',
      `${fn}: sourceImages must hold at least 1 image, got 0`,
    );
  }
  checkInputFits(fn, featureExtractor, [height, width, channels], 'featureExtractor');
  const patch = resolvePatch(fn, options.trigger, height, width, channels);
  const imageSize = height * width * channels;

  const features = (x: tf.Tensor4D) =>
    tf.reshape(featureExtractor.apply(x, { training: false }) as tf.Tensor, [x.shape[0], -1]);

  const poisons = new Float32Array(n * imageSize);
  const batches = Math.ceil(n / batchSize);
  let initialSum = 0;
  let finalSum = 0;
  for (let batch = 0; batch < batches; batch++) {
    const start = batch * batchSize;
    const count = Math.min(batchSize, n - start);
    const shape: ImageShape = [count, height, width, channels];
    const clean = targets.values.subarray(start * imageSize, (start + count) * imageSize);
    const [lower, upper] = tf.tidy(() => {
      const t = tf.tensor4d(clean, shape);
      return [tf.maximum(tf.sub(t, epsilon), 0), tf.minimum(tf.add(t, epsilon), 1)];
    });
    let z = tf.tensor4d(clean, shape);
    const pool = Int32Array.from({ length: sourceCount }, (_, i) => i);
    try {
      for (let step = 0; step < steps; step++) {
        // Fresh triggered sources: which images and where the patch goes.
        const random = createRandom(deriveSeed(seed, 'hidden-trigger-step', batch, step));
        const chosen =
          sourceCount >= count
            ? sampleSorted(pool, count, random)
            : Int32Array.from({ length: count }, () => random.int(sourceCount));
        const triggered = new Float32Array(count * imageSize);
        for (let k = 0; k < count; k++) {
          const i = chosen[k]!;
          triggered.set(sources.values.subarray(i * imageSize, (i + 1) * imageSize), k * imageSize);
          const [row, col] = randomPosition(random, patch.side, height, width);
          pastePatch(triggered, k * imageSize, width, channels, patch, row, col);
        }
        const sourceFeatures = tf.tidy(() => features(tf.tensor4d(triggered, shape)));
        const sourceValues = sourceFeatures.dataSync() as Float32Array;
        const dimension = sourceFeatures.shape[1]!;
        let loss = 0;
        const rate = learningRate * 0.5 ** Math.floor(step / halveEvery);
        const next = tf.tidy(() => {
          const gradient = tf.grad((x: tf.Tensor) => {
            const poisonFeatures = features(x as tf.Tensor4D);
            // Pair on this very forward pass (reading values does not leave the tape).
            const pairing = greedyPairing(
              pairwiseSquaredDistances(
                poisonFeatures.dataSync() as Float32Array,
                sourceValues,
                count,
                dimension,
              ),
              count,
            );
            const paired = tf.gather(sourceFeatures, tf.tensor1d(pairing, 'int32'));
            const total = tf.sum(tf.square(tf.sub(poisonFeatures, paired)));
            loss = (total.dataSync()[0] ?? 0) / count;
            return total as tf.Scalar;
          });
          const moved = tf.sub(z, tf.mul(gradient(z), rate));
          return tf.minimum(tf.maximum(moved, lower), upper) as tf.Tensor4D;
        });
        sourceFeatures.dispose();
        z.dispose();
        z = next;
        if (step === 0) initialSum += loss * count;
        if (step === steps - 1) finalSum += loss * count;
        onProgress?.({ batch, batches, step, steps, learningRate: rate, loss });
      }
      poisons.set(z.dataSync() as Float32Array, start * imageSize);
    } finally {
      tf.dispose([z, lower, upper]);
    }
  }
  return {
    dataset: {
      images: poisons,
      shape: [n, height, width, channels],
      labels: new Int32Array(n).fill(target),
      numClasses,
    },
    initialLoss: n === 0 ? 0 : initialSum / n,
    finalLoss: n === 0 ? 0 : finalSum / n,
  };
}
