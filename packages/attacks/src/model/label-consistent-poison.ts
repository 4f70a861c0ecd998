import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertInteger, assertNumber, assertSeed, datasetDims } from '../_validate';
import type { AttackConfig, ResolvedAttackConfig } from '../attack-config';
import { AttackError } from '../errors';
import { type PoisonManifest, type PoisonResult, poisonDataset } from '../poison-dataset';
import { sha256Hex } from '../sha256';
import type { ImageArray, ImageDataset } from '../types';
import { checkInputFits, checkModel, toUnitFloat } from './_model';
import { pgdTensor, resolvePgdOptions } from './pgd-perturb';

/** Options of {@link labelConsistentPoison}. */
export interface LabelConsistentOptions {
  /** The target class: only its samples are poisoned; integer in [0, K). */
  target: number;
  /** Fraction of the whole dataset to poison, in [0, 1]: `round(rate * n)` target-class samples. */
  rate: number;
  /** L-inf radius of the adversarial perturbation, in (0, 1] (pixel units of [0, 1]). @default 16/255 */
  epsilon?: number;
  /** PGD steps. @default 10 */
  steps?: number;
  /** PGD step size. @default 2.5 * epsilon / steps */
  stepSize?: number;
  /**
   * The trigger stamped after the perturbation: any pure attack of `@none/attacks`
   * (its `target` must be omitted or equal `target`; label options are overridden to
   * clean-label all-to-one). @default { type: 'badnets' } (3x3 white, bottom-right)
   */
  trigger?: AttackConfig;
  /** Seed of the choice of samples, of the PGD random start and of the trigger's randomness. */
  seed: number;
  /** Images per PGD forward/backward pass. @default 128 */
  batchSize?: number;
}

/** Defaults of {@link LabelConsistentOptions}. */
export const LABEL_CONSISTENT_DEFAULTS = {
  epsilon: 16 / 255,
  steps: 10,
  trigger: { type: 'badnets' } as AttackConfig,
  batchSize: 128,
} as const satisfies Partial<LabelConsistentOptions>;

/** The {@link PoisonManifest} of a label-consistent attack, with how the images were made hard. */
export interface LabelConsistentManifest extends PoisonManifest {
  /** The adversarial perturbation applied before the trigger. */
  adversarial: {
    method: 'pgd-linf';
    epsilon: number;
    steps: number;
    stepSize: number;
    /** SHA-256 of the images after the perturbation, before the trigger. */
    perturbedImagesSha256: string;
  };
}

/** Result of {@link labelConsistentPoison}: as {@link PoisonResult}, with its own manifest. */
export interface LabelConsistentResult<T extends ImageArray = ImageArray> extends PoisonResult<T> {
  manifest: LabelConsistentManifest;
}

/**
 * The label-consistent attack of Turner et al.: poisons only samples that already belong to
 * the target class, so every label stays correct. Each chosen sample is first made hard to
 * classify with an untargeted L-inf PGD perturbation computed on a clean `surrogate` model
 * (so the network cannot rely on its natural features and must learn the trigger), then the
 * trigger is stamped.
 *
 * The samples are chosen exactly as `poisonDataset` chooses clean-label samples
 * (`round(rate * n)` of class `target`, seeded), so `poisonedIndices` equal those of
 * `poisonDataset(dataset, { ...trigger, target, cleanLabel: true }, { rate, seed })`.
 * `manifest.sha256.sourceImages` is the digest of the clean input. uint8 datasets are
 * perturbed in [0, 1] and rounded back (the ball grows by at most 0.5/255). The input is
 * not modified; every tensor is disposed.
 *
 * @example
 * ```ts
 * const { dataset, poisonedIndices, manifest } = labelConsistentPoison(surrogate, train, {
 *   target: 0, rate: 0.05, epsilon: 16 / 255, steps: 10, seed: 1 });
 * dataset.labels; // identical to train.labels
 * manifest.eligibleRule; // 'target-class'
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an option out of range or a trigger with
 * another target; `E_NOT_ENOUGH_SAMPLES` when the target class has fewer than
 * `round(rate * n)` samples; `E_SHAPE_MISMATCH` when the dataset does not fit the model.
 * @see A. Turner, D. Tsipras, A. Madry, "Label-Consistent Backdoor Attacks",
 * arXiv:1912.02771, 2019.
 */
export function labelConsistentPoison<T extends ImageArray>(
  surrogate: LayersModel,
  dataset: ImageDataset<T>,
  options: LabelConsistentOptions,
): LabelConsistentResult<T> {
  const fn = 'labelConsistentPoison';
  const numClasses = checkModel(fn, surrogate, 'surrogate');
  const dims = datasetDims(fn, dataset);
  checkInputFits(fn, surrogate, [dims.height, dims.width, dims.channels], 'surrogate');
  if (typeof options !== 'object' || options === null) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: options must be an object { target, rate, seed, ... }, got ${String(options)}`,
    );
  }
  const {
    target,
    rate,
    epsilon = LABEL_CONSISTENT_DEFAULTS.epsilon,
    steps = LABEL_CONSISTENT_DEFAULTS.steps,
    trigger = LABEL_CONSISTENT_DEFAULTS.trigger as AttackConfig,
    seed,
    batchSize = LABEL_CONSISTENT_DEFAULTS.batchSize,
  } = options;
  if (dataset.numClasses !== numClasses) {
    throw new AttackError(
      'E_SHAPE_MISMATCH',
      `${fn}: dataset.numClasses is ${dataset.numClasses} but surrogate outputs ${numClasses} logits`,
    );
  }
  assertInteger(fn, 'target', target, 0, numClasses - 1);
  assertNumber(fn, 'rate', rate, 0, 1);
  assertSeed(fn, 'seed', seed);
  if (typeof trigger !== 'object' || trigger === null) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: trigger must be an attack config such as { type: 'badnets' }, got ${String(trigger)}`,
    );
  }
  if (trigger.target !== undefined && trigger.target !== target) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: trigger.target (${trigger.target}) must be omitted or equal target (${target})`,
    );
  }
  const pgd = resolvePgdOptions(fn, {
    epsilon,
    steps,
    seed,
    batchSize,
    ...(options.stepSize === undefined ? {} : { stepSize: options.stepSize }),
  });
  const attack = {
    ...trigger,
    target,
    labelMode: 'all-to-one',
    cleanLabel: true,
  } as AttackConfig;

  // 1. Which samples: the clean-label rule of poisonDataset (depends on labels and seed only).
  const selection = poisonDataset(dataset, attack, { rate, seed });
  const indices = selection.poisonedIndices;

  // 2. Make them hard: PGD on the surrogate, with their (true) label `target`.
  const { imageSize } = dims;
  const hard = dataset.images.slice() as T;
  if (indices.length > 0) {
    const chosen = new Float32Array(indices.length * imageSize);
    for (const [k, i] of indices.entries()) {
      const image = dataset.images.subarray(i * imageSize, (i + 1) * imageSize);
      chosen.set(image instanceof Uint8Array ? toUnitFloat(image) : image, k * imageSize);
    }
    const input = tf.tensor4d(chosen, [indices.length, dims.height, dims.width, dims.channels]);
    let perturbed: Float32Array;
    try {
      const output = pgdTensor(
        surrogate,
        input,
        new Int32Array(indices.length).fill(target),
        numClasses,
        pgd,
      );
      perturbed = output.dataSync() as Float32Array;
      output.dispose();
    } finally {
      input.dispose();
    }
    for (const [k, i] of indices.entries()) {
      const values = perturbed.subarray(k * imageSize, (k + 1) * imageSize);
      if (hard instanceof Uint8Array) {
        for (let j = 0; j < imageSize; j++) {
          hard[i * imageSize + j] = Math.round(values[j]! * 255);
        }
      } else {
        hard.set(values, i * imageSize);
      }
    }
  }

  // 3. Stamp the trigger on the same samples (same rule, same seed: same indices).
  const hardDataset: ImageDataset<T> = { ...dataset, images: hard };
  const result = poisonDataset(hardDataset, attack, { rate, seed });
  const resolved: ResolvedAttackConfig = result.manifest.attack;
  const manifest: LabelConsistentManifest = {
    ...result.manifest,
    attack: resolved,
    sha256: { ...result.manifest.sha256, sourceImages: sha256Hex(dataset.images) },
    adversarial: {
      method: 'pgd-linf',
      epsilon: pgd.epsilon,
      steps: pgd.steps,
      stepSize: pgd.stepSize,
      perturbedImagesSha256: sha256Hex(hard),
    },
  };
  return { ...result, manifest };
}
