import { createRandom, deriveSeed } from '@none/stats';
import { transformImages } from '../_image';
import { sampleSorted } from '../_sample';
import { assertInteger, assertNumber, assertSeed, datasetDims } from '../_validate';
import { AttackError } from '../errors';
import { checkMaskedTrigger, type MaskedTrigger, stampMasked } from '../masked-trigger';
import { sha256Hex } from '../sha256';
import type { ImageArray, ImageDataset } from '../types';

/** Options of {@link poisonClientDataset}. */
export interface ClientPoisonOptions {
  /** Label the poisoned samples get, an integer in [0, K). */
  target: number;
  /** Fraction of the client's samples to poison, in [0, 1]: `round(rate * n)` non-target samples. */
  rate: number;
  /** Seed of the choice of samples, an integer in [0, 2^32). */
  seed: number;
}

/** What {@link poisonClientDataset} did, with SHA-256 digests (plain JSON data). */
export interface ClientPoisonManifest {
  generator: '@none/attacks';
  attack: 'dba-local';
  target: number;
  rate: number;
  seed: number;
  countRule: 'round(rate * total)';
  eligibleRule: 'label-not-target';
  counts: { total: number; eligible: number; poisoned: number };
  /** Pixels (HxW positions) the local trigger covers. */
  triggerPixels: number;
  sha256: {
    images: string;
    labels: string;
    poisonedIndices: string;
    sourceImages: string;
    sourceLabels: string;
    /** Digest of the local trigger's mask followed by its pattern. */
    trigger: string;
  };
}

/** Result of {@link poisonClientDataset}. */
export interface ClientPoisonResult<T extends ImageArray = ImageArray> {
  /** The client's poisoned data: new arrays. */
  dataset: ImageDataset<T>;
  /** Indices of the stamped and relabelled samples, ascending. */
  poisonedIndices: Int32Array;
  manifest: ClientPoisonManifest;
}

/**
 * Poisons one malicious client's data in a distributed backdoor attack (DBA, Xie et al.):
 * `round(rate * n)` samples not of class `target`, chosen with the seed, get the client's
 * local trigger (Eq. 1, `x' = (1 - m) ⊙ x + m ⊙ t`) and the label `target`. The choice
 * follows `poisonDataset` (same rule and random stream). The input is not modified.
 *
 * @example
 * ```ts
 * const locals = splitTriggerForClients(globalTrigger, 4);
 * const poisoned = maliciousClients.map((data, k) =>
 *   poisonClientDataset(data, locals[k], { target: 0, rate: 0.2, seed: k }));
 * // at test time: applyMaskedTrigger(testImages, globalTrigger)
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an option out of range;
 * `E_NOT_ENOUGH_SAMPLES` when fewer samples than `round(rate * n)` are not of class
 * `target`; `E_SHAPE_MISMATCH` when the trigger does not fit the images.
 * @see C. Xie, K. Huang, P.-Y. Chen, B. Li, "DBA: Distributed Backdoor Attacks against
 * Federated Learning", ICLR 2020.
 */
export function poisonClientDataset<T extends ImageArray>(
  clientData: ImageDataset<T>,
  localTrigger: MaskedTrigger,
  options: ClientPoisonOptions,
): ClientPoisonResult<T> {
  const fn = 'poisonClientDataset';
  const dims = datasetDims(fn, clientData, 'clientData');
  checkMaskedTrigger(fn, localTrigger, dims);
  const { target, rate, seed } = options ?? ({} as ClientPoisonOptions);
  const { n } = dims;
  const { labels, numClasses } = clientData;
  assertInteger(fn, 'target', target, 0, numClasses - 1);
  assertNumber(fn, 'rate', rate, 0, 1);
  assertSeed(fn, 'seed', seed);
  const eligibleList: number[] = [];
  for (let i = 0; i < n; i++) if (labels[i] !== target) eligibleList.push(i);
  const eligible = Int32Array.from(eligibleList);
  const count = Math.round(rate * n);
  if (count > eligible.length) {
    throw new AttackError(
      'E_NOT_ENOUGH_SAMPLES',
      `${fn}: rate ${rate} asks for round(${rate} * ${n}) = ${count} poisoned samples, but only ${eligible.length} are not of class ${target}; use a rate <= ${(eligible.length / n).toFixed(6)}`,
    );
  }
  const poisonedIndices = sampleSorted(
    eligible,
    count,
    createRandom(deriveSeed(seed, 'poison-select')),
  );
  const images = clientData.images.slice() as T;
  transformImages(images, dims, poisonedIndices, (input, output) =>
    stampMasked(input, output, localTrigger),
  );
  const newLabels = labels.slice();
  for (const i of poisonedIndices) newLabels[i] = target;
  let triggerPixels = 0;
  for (let p = 0; p < dims.height * dims.width; p++) {
    let on = false;
    for (let c = 0; c < dims.channels; c++) on ||= localTrigger.mask[p * dims.channels + c]! > 0;
    if (on) triggerPixels += 1;
  }
  const triggerBytes = new Float32Array(localTrigger.mask.length * 2);
  triggerBytes.set(localTrigger.mask);
  triggerBytes.set(localTrigger.pattern, localTrigger.mask.length);
  return {
    dataset: {
      images,
      shape: [n, dims.height, dims.width, dims.channels],
      labels: newLabels,
      numClasses,
      ...(clientData.classNames ? { classNames: [...clientData.classNames] } : {}),
    },
    poisonedIndices,
    manifest: {
      generator: '@none/attacks',
      attack: 'dba-local',
      target,
      rate,
      seed,
      countRule: 'round(rate * total)',
      eligibleRule: 'label-not-target',
      counts: { total: n, eligible: eligible.length, poisoned: count },
      triggerPixels,
      sha256: {
        images: sha256Hex(images),
        labels: sha256Hex(newLabels),
        poisonedIndices: sha256Hex(poisonedIndices),
        sourceImages: sha256Hex(clientData.images),
        sourceLabels: sha256Hex(labels),
        trigger: sha256Hex(triggerBytes),
      },
    },
  };
}
