import { createRandom, deriveSeed } from '@none/stats';
import { dtypeOf, transformImages } from './_image';
import { sampleSorted } from './_sample';
import { assertNumber, assertSeed, datasetDims } from './_validate';
import {
  type AttackConfig,
  compileAttack,
  type ResolvedAttackConfig,
  resolveAttackConfig,
} from './attack-config';
import { AttackError } from './errors';
import { labelMapper } from './label-map';
import { sha256Hex } from './sha256';
import type { ImageArray, ImageDataset, ImageShape } from './types';

/** Options of {@link poisonDataset}. */
export interface PoisonOptions {
  /** Fraction of the whole training set to poison, in [0, 1]: `round(rate * n)` samples. */
  rate: number;
  /** Seed of the choice of samples and of per-sample randomness, an integer in [0, 2^32). */
  seed: number;
}

/**
 * Which samples may be poisoned:
 * - `'label-not-target'`: all-to-one attacks; samples already of class `target` are skipped
 *   (relabelling them would change nothing).
 * - `'all'`: label-specific attacks; every sample.
 * - `'target-class'`: clean-label attacks; only samples of class `target`.
 */
export type EligibleRule = 'label-not-target' | 'all' | 'target-class';

/** Version of the {@link PoisonManifest} format (and of the on-disk layout). */
export const POISON_FORMAT_VERSION = 1;

/**
 * What was done to a dataset, with SHA-256 digests so anyone can check that a poisoned
 * set is the one a report was made from. Plain JSON data.
 */
export interface PoisonManifest {
  /** {@link POISON_FORMAT_VERSION}. */
  formatVersion: 1;
  /** Always `'@none/attacks'`. */
  generator: '@none/attacks';
  /** The attack with every default filled in. */
  attack: ResolvedAttackConfig;
  seed: number;
  rate: number;
  /** Always `'round(rate * total)'`: the poisoned count (JavaScript `Math.round`, halves up). */
  countRule: 'round(rate * total)';
  eligibleRule: EligibleRule;
  counts: {
    /** Samples in the dataset, n. */
    total: number;
    /** Samples the rule allows to poison. */
    eligible: number;
    /** Samples triggered (and relabelled, unless clean-label): `round(rate * total)`. */
    poisoned: number;
    /** WaNet noise-mode samples: `round(rate * crossRatio * total)`, drawn from the rest; 0 otherwise. */
    noise: number;
    /** Poisoned samples per original class (length K). */
    poisonedPerClass: number[];
  };
  /** The poisoned dataset's layout. */
  dataset: { shape: ImageShape; dtype: 'float32' | 'uint8'; numClasses: number };
  /**
   * SHA-256 (hex) of the raw little-endian bytes of the poisoned images and labels, of the
   * sorted `poisonedIndices` and `noiseIndices` (int32), and of the clean input's images
   * and labels (`sourceImages`, `sourceLabels`).
   */
  sha256: {
    images: string;
    labels: string;
    poisonedIndices: string;
    noiseIndices: string;
    sourceImages: string;
    sourceLabels: string;
  };
}

/** Result of {@link poisonDataset}. */
export interface PoisonResult<T extends ImageArray = ImageArray> {
  /** The poisoned dataset: new arrays. */
  dataset: ImageDataset<T>;
  /** Indices of the triggered (and relabelled) samples, sorted ascending. */
  poisonedIndices: Int32Array;
  /** Indices of WaNet noise-mode samples (warped with noise, label kept), sorted; empty otherwise. */
  noiseIndices: Int32Array;
  manifest: PoisonManifest;
}

/** `true` when the platform stores typed arrays little-endian. */
export function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function eligibleRuleOf(attack: ResolvedAttackConfig): EligibleRule {
  if (attack.cleanLabel) return 'target-class';
  return attack.labelMode === 'label-specific' ? 'all' : 'label-not-target';
}

/**
 * Poisons a training set: picks `round(rate * n)` samples among the eligible ones (see
 * {@link EligibleRule}), stamps the attack's trigger on them and relabels them (all-to-one:
 * `target`; label-specific: `(y + 1) mod K`; clean-label: unchanged). For WaNet with
 * `crossRatio > 0`, `round(rate * crossRatio * n)` further samples, drawn from the
 * non-poisoned ones, get the noise-mode warp and keep their label.
 *
 * Deterministic: the same dataset, attack and seed give the same indices and digests.
 * Sample `i`'s own randomness (dynamic patch position, WaNet grid noise) is drawn from
 * `(seed, i)`. The input is never modified.
 *
 * @example
 * ```ts
 * const { dataset, poisonedIndices, manifest } = poisonDataset(
 *   train, { type: 'badnets', target: 0 }, { rate: 0.05, seed: 1 });
 * poisonedIndices.length; // Math.round(0.05 * train.shape[0])
 * manifest.sha256.images; // 64 hex characters
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a rate outside [0, 1], a target outside
 * [0, K), a trigger that does not fit; `E_NOT_ENOUGH_SAMPLES` when fewer samples are
 * eligible than the rate asks for; `E_SHAPE_MISMATCH` for inconsistent arrays.
 */
export function poisonDataset<T extends ImageArray>(
  dataset: ImageDataset<T>,
  attack: AttackConfig,
  options: PoisonOptions,
): PoisonResult<T> {
  const fn = 'poisonDataset';
  const dims = datasetDims(fn, dataset);
  const { rate, seed } = options ?? ({} as PoisonOptions);
  assertNumber(fn, 'rate', rate, 0, 1);
  assertSeed(fn, 'seed', seed);
  const resolved = resolveAttackConfig(attack);
  const { numClasses, labels } = dataset;
  const mapLabel = labelMapper(fn, resolved, numClasses);
  const compiled = compileAttack(fn, resolved, dims);
  const { n } = dims;

  const rule = eligibleRuleOf(resolved);
  const eligibleList: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const ok =
      rule === 'all' || (rule === 'target-class' ? y === resolved.target : y !== resolved.target);
    if (ok) eligibleList.push(i);
  }
  const eligible = Int32Array.from(eligibleList);
  const count = Math.round(rate * n);
  if (count > eligible.length) {
    throw new AttackError(
      'E_NOT_ENOUGH_SAMPLES',
      `${fn}: rate ${rate} asks for round(${rate} * ${n}) = ${count} poisoned samples, but only ${eligible.length} are eligible (rule '${rule}'); use a rate <= ${(eligible.length / n).toFixed(6)}`,
    );
  }
  const poisonedIndices = sampleSorted(
    eligible,
    count,
    createRandom(deriveSeed(seed, 'poison-select')),
  );

  let noiseIndices: Int32Array = new Int32Array(0);
  if (resolved.type === 'wanet' && resolved.crossRatio > 0) {
    const noiseCount = Math.round(rate * resolved.crossRatio * n);
    const chosen = new Uint8Array(n);
    for (const i of poisonedIndices) chosen[i] = 1;
    const rest = new Int32Array(n - count);
    for (let i = 0, j = 0; i < n; i++) if (!chosen[i]) rest[j++] = i;
    if (noiseCount > rest.length) {
      throw new AttackError(
        'E_NOT_ENOUGH_SAMPLES',
        `${fn}: WaNet noise mode asks for round(${rate} * ${resolved.crossRatio} * ${n}) = ${noiseCount} noise samples, but only ${rest.length} samples are not poisoned; lower rate or crossRatio`,
      );
    }
    noiseIndices = sampleSorted(
      rest,
      noiseCount,
      createRandom(deriveSeed(seed, 'wanet-noise-select')),
    );
  }

  const images = dataset.images.slice() as T;
  transformImages(images, dims, poisonedIndices, compiled.trigger, (i) =>
    createRandom(deriveSeed(seed, 'trigger-sample', i)),
  );
  if (compiled.noise) {
    transformImages(images, dims, noiseIndices, compiled.noise, (i) =>
      createRandom(deriveSeed(seed, 'wanet-noise-sample', i)),
    );
  }
  const newLabels = labels.slice();
  const poisonedPerClass = new Array<number>(numClasses).fill(0);
  for (const i of poisonedIndices) {
    poisonedPerClass[labels[i]!]! += 1;
    if (!resolved.cleanLabel) newLabels[i] = mapLabel(labels[i]!);
  }

  const shape: ImageShape = [n, dims.height, dims.width, dims.channels];
  const manifest: PoisonManifest = {
    formatVersion: POISON_FORMAT_VERSION,
    generator: '@none/attacks',
    attack: resolved,
    seed,
    rate,
    countRule: 'round(rate * total)',
    eligibleRule: rule,
    counts: {
      total: n,
      eligible: eligible.length,
      poisoned: count,
      noise: noiseIndices.length,
      poisonedPerClass,
    },
    dataset: { shape: [...shape], dtype: dtypeOf(images), numClasses },
    sha256: {
      images: sha256Hex(images),
      labels: sha256Hex(newLabels),
      poisonedIndices: sha256Hex(poisonedIndices),
      noiseIndices: sha256Hex(noiseIndices),
      sourceImages: sha256Hex(dataset.images),
      sourceLabels: sha256Hex(labels),
    },
  };
  return {
    dataset: {
      images,
      shape,
      labels: newLabels,
      numClasses,
      ...(dataset.classNames ? { classNames: [...dataset.classNames] } : {}),
    },
    poisonedIndices,
    noiseIndices,
    manifest,
  };
}

/**
 * Recomputes the digests of a {@link PoisonResult} and compares them with its manifest.
 * Returns the names of the arrays whose digest differs (empty when all match).
 *
 * @example
 * ```ts
 * verifyPoisonResult(poisonDataset(train, { type: 'sig' }, { rate: 0.1, seed: 0 })); // []
 * ```
 */
export function verifyPoisonResult(result: PoisonResult): string[] {
  const { dataset, poisonedIndices, noiseIndices, manifest } = result;
  const actual = {
    images: sha256Hex(dataset.images),
    labels: sha256Hex(dataset.labels),
    poisonedIndices: sha256Hex(poisonedIndices),
    noiseIndices: sha256Hex(noiseIndices),
  };
  return (Object.keys(actual) as (keyof typeof actual)[]).filter(
    (key) => actual[key] !== manifest.sha256[key],
  );
}
