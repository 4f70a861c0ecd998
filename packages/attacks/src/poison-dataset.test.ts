import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, randomDataset, toUint8 } from './_test-helpers';
import type { AttackConfig } from './attack-config';
import { AttackError } from './errors';
import { poisonDataset, verifyPoisonResult } from './poison-dataset';
import { sha256Hex } from './sha256';
import { createBadNetsTrigger } from './triggers/badnets';
import { createDynamicPatchTrigger } from './triggers/dynamic-patch';

const train = randomDataset(400, 6, 6, 3, 10, 7);

function errorOf(call: () => unknown): AttackError {
  try {
    call();
  } catch (error) {
    if (AttackError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AttackError');
}

describe('poisonDataset', () => {
  it('poisons exactly round(rate * n) samples, for any rate', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.85, noNaN: true }), fc.nat(1000), (rate, seed) => {
        const { poisonedIndices, manifest } = poisonDataset(
          train,
          { type: 'pixel', labelMode: 'label-specific' },
          { rate, seed },
        );
        expect(poisonedIndices.length).toBe(Math.round(rate * 400));
        expect(manifest.counts.poisoned).toBe(Math.round(rate * 400));
      }),
      { numRuns: 30 },
    );
    for (const rate of [0, 0.005, 0.05, 0.1, 0.2]) {
      const { poisonedIndices } = poisonDataset(train, { type: 'badnets' }, { rate, seed: 1 });
      expect(poisonedIndices.length).toBe(Math.round(rate * 400));
    }
  });

  it('returns sorted, distinct indices among the eligible samples', () => {
    const { poisonedIndices, manifest } = poisonDataset(
      train,
      { type: 'badnets', target: 3 },
      { rate: 0.25, seed: 2 },
    );
    for (let k = 1; k < poisonedIndices.length; k++) {
      expect(poisonedIndices[k]!).toBeGreaterThan(poisonedIndices[k - 1]!);
    }
    for (const i of poisonedIndices) expect(train.labels[i]).not.toBe(3);
    expect(manifest.eligibleRule).toBe('label-not-target');
    expect(manifest.counts.eligible).toBe(train.labels.filter((y) => y !== 3).length);
  });

  it('gives the same indices and SHA-256 for the same seed, and different indices for another', () => {
    const attack: AttackConfig = { type: 'dynamic-patch', target: 1 };
    const a = poisonDataset(train, attack, { rate: 0.1, seed: 42 });
    const b = poisonDataset(cloneDataset(train), attack, { rate: 0.1, seed: 42 });
    const c = poisonDataset(train, attack, { rate: 0.1, seed: 43 });
    expect(b.poisonedIndices).toEqual(a.poisonedIndices);
    expect(b.manifest).toEqual(a.manifest);
    expect(b.dataset.images).toEqual(a.dataset.images);
    expect(c.poisonedIndices).not.toEqual(a.poisonedIndices);
    expect(c.manifest.sha256.images).not.toBe(a.manifest.sha256.images);
  });

  it('stamps the trigger on the poisoned samples only and relabels them (all-to-one)', () => {
    const { dataset, poisonedIndices } = poisonDataset(
      train,
      { type: 'badnets', target: 0, size: 2 },
      { rate: 0.1, seed: 3 },
    );
    const trigger = createBadNetsTrigger({ height: 6, width: 6, channels: 3 }, { size: 2 });
    const size = 6 * 6 * 3;
    const poisoned = new Set(poisonedIndices);
    for (let i = 0; i < 400; i++) {
      const clean = train.images.subarray(i * size, (i + 1) * size);
      const got = dataset.images.subarray(i * size, (i + 1) * size);
      if (poisoned.has(i)) {
        expect(checkEq1(clean, got, trigger.mask, trigger.pattern).failures).toEqual([]);
        expect(dataset.labels[i]).toBe(0);
      } else {
        expect(got).toEqual(clean);
        expect(dataset.labels[i]).toBe(train.labels[i]);
      }
    }
  });

  it('relabels y to (y + 1) mod K with a label-specific map, over all samples', () => {
    const { dataset, poisonedIndices, manifest } = poisonDataset(
      train,
      { type: 'sig', frequency: 1, labelMode: 'label-specific' },
      { rate: 1, seed: 0 },
    );
    expect(poisonedIndices.length).toBe(400);
    expect(manifest.eligibleRule).toBe('all');
    for (let i = 0; i < 400; i++) expect(dataset.labels[i]).toBe((train.labels[i]! + 1) % 10);
  });

  it('poisons only target-class samples and keeps labels when clean-label', () => {
    const targetCount = train.labels.filter((y) => y === 2).length;
    const { dataset, poisonedIndices, manifest } = poisonDataset(
      train,
      { type: 'sig', frequency: 1, target: 2, cleanLabel: true },
      { rate: 0.05, seed: 0 },
    );
    expect(manifest.eligibleRule).toBe('target-class');
    expect(manifest.counts.eligible).toBe(targetCount);
    for (const i of poisonedIndices) expect(train.labels[i]).toBe(2);
    expect(dataset.labels).toEqual(train.labels);
    expect(manifest.counts.poisonedPerClass[2]).toBe(20);
  });

  it('uses the dynamic patch position drawn for (seed, index)', () => {
    const { dataset, poisonedIndices } = poisonDataset(
      train,
      { type: 'dynamic-patch' },
      { rate: 0.02, seed: 11 },
    );
    const size = 6 * 6 * 3;
    for (const i of poisonedIndices) {
      const t = createDynamicPatchTrigger(
        { height: 6, width: 6, channels: 3 },
        {},
        { seed: 11, index: i },
      );
      const clean = train.images.subarray(i * size, (i + 1) * size);
      const got = dataset.images.subarray(i * size, (i + 1) * size);
      expect(checkEq1(clean, got, t.mask, t.pattern).failures).toEqual([]);
    }
  });

  it('adds WaNet noise-mode samples that keep their label and are disjoint from the poisoned', () => {
    const { dataset, poisonedIndices, noiseIndices, manifest } = poisonDataset(
      train,
      { type: 'wanet', target: 0 },
      { rate: 0.05, seed: 5 },
    );
    expect(poisonedIndices.length).toBe(20);
    expect(noiseIndices.length).toBe(40);
    expect(manifest.counts.noise).toBe(40);
    const poisoned = new Set(poisonedIndices);
    for (const i of noiseIndices) {
      expect(poisoned.has(i)).toBe(false);
      expect(dataset.labels[i]).toBe(train.labels[i]);
    }
    const off = poisonDataset(train, { type: 'wanet', crossRatio: 0 }, { rate: 0.05, seed: 5 });
    expect(off.noiseIndices.length).toBe(0);
    expect(off.poisonedIndices).toEqual(poisonedIndices);
  });

  it('never mutates its input and keeps the dtype', () => {
    const u8 = toUint8(train);
    const before = cloneDataset(u8);
    const { dataset } = poisonDataset(u8, { type: 'blend' }, { rate: 0.1, seed: 1 });
    expect(u8).toEqual(before);
    expect(dataset.images).toBeInstanceOf(Uint8Array);
    expect(dataset.images).not.toBe(u8.images);
    expect(dataset.labels).not.toBe(u8.labels);
  });

  it('writes a manifest with the config, counts and SHA-256 digests', () => {
    const result = poisonDataset(train, { type: 'badnets', target: 1 }, { rate: 0.05, seed: 9 });
    const { manifest } = result;
    expect(manifest).toMatchObject({
      formatVersion: 1,
      generator: '@none/attacks',
      attack: { type: 'badnets', target: 1, size: 3, labelMode: 'all-to-one' },
      seed: 9,
      rate: 0.05,
      countRule: 'round(rate * total)',
      eligibleRule: 'label-not-target',
      counts: { total: 400, poisoned: 20, noise: 0 },
      dataset: { shape: [400, 6, 6, 3], dtype: 'float32', numClasses: 10 },
    });
    expect(manifest.counts.poisonedPerClass.reduce((a, b) => a + b, 0)).toBe(20);
    expect(manifest.sha256.images).toBe(sha256Hex(result.dataset.images));
    expect(manifest.sha256.labels).toBe(sha256Hex(result.dataset.labels));
    expect(manifest.sha256.sourceImages).toBe(sha256Hex(train.images));
    expect(manifest.sha256.images).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
    expect(verifyPoisonResult(result)).toEqual([]);
    result.dataset.labels[0] = (result.dataset.labels[0]! + 1) % 10;
    expect(verifyPoisonResult(result)).toEqual(['labels']);
  });

  it('carries class names over', () => {
    const named = { ...train, classNames: Array.from({ length: 10 }, (_, k) => `c${k}`) };
    expect(
      poisonDataset(named, { type: 'pixel' }, { rate: 0, seed: 0 }).dataset.classNames,
    ).toEqual(named.classNames);
  });

  it('throws clear errors for bad rates, targets, seeds and shapes', () => {
    expect(
      errorOf(() => poisonDataset(train, { type: 'badnets' }, { rate: 1.5, seed: 0 })).message,
    ).toBe('poisonDataset: rate must be a number in [0, 1], got 1.5');
    expect(
      errorOf(() => poisonDataset(train, { type: 'badnets' }, { rate: -0.1, seed: 0 })).code,
    ).toBe('E_INVALID_ARGUMENT');
    expect(
      errorOf(() => poisonDataset(train, { type: 'badnets', target: 10 }, { rate: 0.1, seed: 0 }))
        .message,
    ).toBe('poisonDataset: target must be an integer in [0, 9], got 10');
    expect(
      errorOf(() => poisonDataset(train, { type: 'badnets' }, { rate: 0.1, seed: 1.5 })).message,
    ).toBe('poisonDataset: seed must be an integer in [0, 4294967295], got 1.5');
    const tooMany = errorOf(() => poisonDataset(train, { type: 'badnets' }, { rate: 1, seed: 0 }));
    expect(tooMany.code).toBe('E_NOT_ENOUGH_SAMPLES');
    expect(tooMany.message).toMatch(
      /asks for round\(1 \* 400\) = 400 poisoned samples, but only \d+ are eligible/,
    );
    const badShape = errorOf(() =>
      poisonDataset(
        { ...train, labels: new Int32Array(3) },
        { type: 'badnets' },
        { rate: 0.1, seed: 0 },
      ),
    );
    expect(badShape.code).toBe('E_SHAPE_MISMATCH');
    expect(badShape.message).toBe(
      'poisonDataset: dataset.labels has 3 values, expected 400 (shape[0])',
    );
    expect(
      errorOf(() => poisonDataset(train, { type: 'badnets', size: 7 }, { rate: 0.1, seed: 0 }))
        .message,
    ).toBe('createBadNetsTrigger: the trigger (7x7) is bigger than the image (6x6)');
  });
});
