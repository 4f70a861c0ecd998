import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { AttackError } from '../errors';
import {
  applyDynamicPatch,
  createDynamicPatchTrigger,
  DYNAMIC_PATCH_DEFAULTS,
} from './dynamic-patch';

const size = { height: 10, width: 12, channels: 3 };

describe('createDynamicPatchTrigger', () => {
  it('is a 3x3 black-and-white checkerboard by default, at a seeded position', () => {
    expect(DYNAMIC_PATCH_DEFAULTS).toEqual({ size: 3, color: 1, pattern: 'checkerboard' });
    const a = createDynamicPatchTrigger(size, {}, { seed: 4, index: 2 });
    const b = createDynamicPatchTrigger(size, {}, { seed: 4, index: 2 });
    expect(a).toEqual(b);
    expect(a.mask.reduce((s, m) => s + m, 0)).toBe(27);
    const on = a.pattern.reduce((s, v) => s + v, 0);
    expect(on).toBe(5 * 3);
  });

  it('draws positions that vary across samples and cover the image', () => {
    const corners = new Set<number>();
    for (let index = 0; index < 200; index++) {
      corners.add(createDynamicPatchTrigger(size, {}, { seed: 1, index }).mask.indexOf(1));
    }
    // (10 - 3 + 1) * (12 - 3 + 1) = 80 possible positions
    expect(corners.size).toBeGreaterThan(50);
    expect(Math.max(...corners)).toBeLessThan(10 * 12 * 3);
  });

  it('rejects a patch bigger than the image', () => {
    expect(() => createDynamicPatchTrigger({ height: 2, width: 8, channels: 1 })).toThrow(
      AttackError,
    );
  });
});

describe('applyDynamicPatch', () => {
  it('stamps image i with the patch drawn for (seed, i) and leaves the rest unchanged', () => {
    const ds = randomDataset(8, size.height, size.width, size.channels);
    const copy = cloneDataset(ds);
    const out = applyDynamicPatch(ds, { size: 4 }, { seed: 9 });
    const imageSize = size.height * size.width * size.channels;
    for (let i = 0; i < 8; i++) {
      const trigger = createDynamicPatchTrigger(size, { size: 4 }, { seed: 9, index: i });
      const range = [i * imageSize, (i + 1) * imageSize] as const;
      const { inside, failures } = checkEq1(
        ds.images.subarray(...range),
        out.images.subarray(...range),
        trigger.mask,
        trigger.pattern,
      );
      expect(failures).toEqual([]);
      expect(inside).toBe(16 * 3);
    }
    expect(ds).toEqual(copy);
  });

  it('depends on the seed', () => {
    const ds = randomDataset(8, size.height, size.width, size.channels);
    expect(applyDynamicPatch(ds, {}, { seed: 1 }).images).not.toEqual(
      applyDynamicPatch(ds, {}, { seed: 2 }).images,
    );
  });

  it('has uint8 and float32 parity', () => {
    const ds = randomDataset(4, size.height, size.width, size.channels);
    const out8 = applyDynamicPatch(toUint8(ds), { color: 0.3 }, { seed: 5 });
    const out32 = applyDynamicPatch(ds, { color: 0.3 }, { seed: 5 });
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });
});
