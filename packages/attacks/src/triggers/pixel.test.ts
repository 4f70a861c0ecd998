import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { applyPixelTrigger, createPixelTrigger, PIXEL_DEFAULTS } from './pixel';

describe('createPixelTrigger', () => {
  it('defaults to one white pixel in the bottom-right corner (Fig. 3(a))', () => {
    const { mask, pattern } = createPixelTrigger({ height: 28, width: 28, channels: 1 });
    expect(mask.reduce((a, b) => a + b, 0)).toBe(1);
    expect(mask[28 * 28 - 1]).toBe(1);
    expect(pattern[28 * 28 - 1]).toBe(1);
    expect(PIXEL_DEFAULTS).toEqual({ position: 'bottom-right', margin: 0, color: 1 });
  });

  it('covers every channel of the pixel with a per-channel colour', () => {
    const { mask, pattern } = createPixelTrigger(
      { height: 4, width: 4, channels: 3 },
      { position: { x: 1, y: 2 }, color: [0, 1, 0] },
    );
    const p = (2 * 4 + 1) * 3;
    expect(Array.from(mask.subarray(p, p + 3))).toEqual([1, 1, 1]);
    expect(Array.from(pattern.subarray(p, p + 3))).toEqual([0, 1, 0]);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('applyPixelTrigger', () => {
  it('changes exactly one pixel per image (Eq. 1) and keeps the rest', () => {
    const ds = randomDataset(6, 5, 5, 3);
    const copy = cloneDataset(ds);
    const trigger = createPixelTrigger({ height: 5, width: 5, channels: 3 }, { margin: 1 });
    const out = applyPixelTrigger(ds, { margin: 1 });
    const { inside, failures } = checkEq1(ds.images, out.images, trigger.mask, trigger.pattern);
    expect(failures).toEqual([]);
    expect(inside).toBe(6 * 3);
    expect(ds).toEqual(copy);
  });

  it('has uint8 and float32 parity', () => {
    const ds = randomDataset(3, 4, 4, 1);
    const out8 = applyPixelTrigger(toUint8(ds), { color: 0.5 });
    const out32 = applyPixelTrigger(ds, { color: 0.5 });
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
    expect(out8.images[15]).toBe(128);
  });
});
