import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { applyBlend, BLEND_DEFAULTS, createBlendTrigger } from './blend';

const size = { height: 6, width: 7, channels: 3 };

describe('createBlendTrigger', () => {
  it('is m = α everywhere with a seeded noise pattern in [0, 1]', () => {
    expect(BLEND_DEFAULTS).toEqual({ alpha: 0.2, patternSeed: 0 });
    const t = createBlendTrigger(size);
    expect(t.mask.every((m) => m === Math.fround(0.2))).toBe(true);
    expect(t.pattern.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(createBlendTrigger(size).pattern).toEqual(t.pattern);
    expect(createBlendTrigger(size, { patternSeed: 1 }).pattern).not.toEqual(t.pattern);
  });

  it('resizes a given image to the image size (nearest neighbour)', () => {
    const t = createBlendTrigger(
      { height: 4, width: 4, channels: 3 },
      { alpha: 0.5, image: { data: [0, 1, 1, 0], height: 2, width: 2, channels: 1 } },
    );
    const row0 = Array.from(t.pattern.subarray(0, 12));
    expect(row0).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(t.pattern[(3 * 4 + 3) * 3]).toBe(0);
    expect(() =>
      createBlendTrigger(size, { image: { data: [0, 1], height: 2, width: 2, channels: 1 } }),
    ).toThrow('image.data must have height * width * channels = 4 values, got 2');
  });
});

describe('applyBlend', () => {
  it("computes x' = (1 - α) x + α t on every pixel", () => {
    const ds = randomDataset(4, size.height, size.width, size.channels);
    const copy = cloneDataset(ds);
    const t = createBlendTrigger(size, { alpha: 0.3, patternSeed: 3 });
    const out = applyBlend(ds, { alpha: 0.3, patternSeed: 3 });
    const { inside, outside, failures } = checkEq1(ds.images, out.images, t.mask, t.pattern);
    expect(failures).toEqual([]);
    expect(outside).toBe(0);
    expect(inside).toBe(ds.images.length);
    expect(ds).toEqual(copy);
  });

  it('is the identity at α = 0 and the pattern at α = 1', () => {
    const ds = randomDataset(2, size.height, size.width, size.channels);
    expect(applyBlend(ds, { alpha: 0 }).images).toEqual(ds.images);
    const t = createBlendTrigger(size);
    const out = applyBlend(ds, { alpha: 1 });
    expect(out.images.subarray(0, t.pattern.length)).toEqual(t.pattern);
  });

  it('has uint8 and float32 parity', () => {
    const ds = randomDataset(3, size.height, size.width, size.channels);
    const out8 = applyBlend(toUint8(ds));
    const out32 = applyBlend(ds);
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('rejects α outside [0, 1]', () => {
    expect(() => applyBlend(randomDataset(1, 2, 2, 1), { alpha: 1.5 })).toThrow(
      'createBlendTrigger: alpha must be a number in [0, 1], got 1.5',
    );
  });
});
