import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, randomDataset, toUint8 } from './_test-helpers';
import { attackTestSet } from './attack-test-set';
import { createPixelTrigger } from './triggers/pixel';

const test = randomDataset(120, 5, 5, 1, 4, 99);

describe('attackTestSet', () => {
  it('excludes samples of the target class and labels the rest with the target', () => {
    const { dataset, sourceIndices, sourceLabels } = attackTestSet(test, {
      type: 'pixel',
      target: 2,
    });
    const expected = [...test.labels.keys()].filter((i) => test.labels[i] !== 2);
    expect(Array.from(sourceIndices)).toEqual(expected);
    expect(dataset.shape).toEqual([expected.length, 5, 5, 1]);
    expect(dataset.labels.every((y) => y === 2)).toBe(true);
    expect(Array.from(sourceLabels)).toEqual(expected.map((i) => test.labels[i]));
    const trigger = createPixelTrigger({ height: 5, width: 5, channels: 1 });
    sourceIndices.forEach((i, k) => {
      const clean = test.images.subarray(i * 25, (i + 1) * 25);
      const got = dataset.images.subarray(k * 25, (k + 1) * 25);
      expect(checkEq1(clean, got, trigger.mask, trigger.pattern).failures).toEqual([]);
    });
  });

  it('keeps every sample with a label-specific map and targets (y + 1) mod K', () => {
    const { dataset, sourceIndices } = attackTestSet(test, {
      type: 'badnets',
      labelMode: 'label-specific',
    });
    expect(sourceIndices.length).toBe(120);
    dataset.labels.forEach((y, k) => {
      expect(y).toBe((test.labels[k]! + 1) % 4);
    });
  });

  it('treats clean-label attacks as single-target', () => {
    const { dataset } = attackTestSet(test, { type: 'sig', target: 1, cleanLabel: true });
    expect(dataset.shape[0]).toBe(test.labels.filter((y) => y !== 1).length);
    expect(dataset.labels.every((y) => y === 1)).toBe(true);
  });

  it('does not mutate its input, keeps the dtype, and is seeded for dynamic patches', () => {
    const u8 = toUint8(test);
    const copy = cloneDataset(u8);
    const a = attackTestSet(u8, { type: 'dynamic-patch', size: 2 }, { seed: 1 });
    const b = attackTestSet(u8, { type: 'dynamic-patch', size: 2 }, { seed: 1 });
    const c = attackTestSet(u8, { type: 'dynamic-patch', size: 2 }, { seed: 2 });
    expect(u8).toEqual(copy);
    expect(a.dataset.images).toBeInstanceOf(Uint8Array);
    expect(a.dataset.images).toEqual(b.dataset.images);
    expect(a.dataset.images).not.toEqual(c.dataset.images);
  });

  it('rejects a target outside [0, K)', () => {
    expect(() => attackTestSet(test, { type: 'pixel', target: 4 })).toThrow(
      'attackTestSet: target must be an integer in [0, 3], got 4',
    );
  });
});
