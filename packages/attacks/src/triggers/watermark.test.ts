import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { applyWatermark, createWatermarkTrigger, WATERMARK_DEFAULTS } from './watermark';

const size = { height: 16, width: 16, channels: 3 };

describe('createWatermarkTrigger', () => {
  it('is a colourful disc of opacity α in the bottom-right quarter by default', () => {
    expect(WATERMARK_DEFAULTS).toEqual({
      position: 'bottom-right',
      margin: 0,
      alpha: 0.5,
      patternSeed: 0,
    });
    const t = createWatermarkTrigger(size);
    const values = new Set(t.mask);
    expect([...values].sort()).toEqual([0, 0.5]);
    for (let r = 0; r < 16; r++) {
      for (let c = 0; c < 16; c++) {
        if (r < 8 || c < 8) expect(t.mask[(r * 16 + c) * 3]).toBe(0);
      }
    }
    // the disc's centre is inside, the square's corner is not
    expect(t.mask[(12 * 16 + 12) * 3]).toBe(0.5);
    expect(t.mask[(8 * 16 + 8) * 3]).toBe(0);
    // colourful: channels differ somewhere inside
    let coloured = false;
    for (let p = 0; p < 256; p++) {
      if (t.mask[p * 3] && t.pattern[p * 3] !== t.pattern[p * 3 + 1]) coloured = true;
    }
    expect(coloured).toBe(true);
  });

  it('blends a given logo over the whole square', () => {
    const t = createWatermarkTrigger(size, {
      size: 4,
      position: 'top-left',
      alpha: 1,
      image: { data: [1, 0, 0], height: 1, width: 1, channels: 3 },
    });
    expect(t.mask.reduce((a, b) => a + b, 0)).toBe(16 * 3);
    expect(Array.from(t.pattern.subarray(0, 3))).toEqual([1, 0, 0]);
  });

  it('rejects a watermark bigger than the image', () => {
    expect(() => createWatermarkTrigger(size, { size: 17 })).toThrow(
      'createWatermarkTrigger: the trigger (17x17) is bigger than the image (16x16)',
    );
  });
});

describe('applyWatermark', () => {
  it('follows Eq. 1: unchanged outside the logo, blended inside', () => {
    const ds = randomDataset(3, 16, 16, 3);
    const copy = cloneDataset(ds);
    const t = createWatermarkTrigger(size, { alpha: 0.4, patternSeed: 2 });
    const out = applyWatermark(ds, { alpha: 0.4, patternSeed: 2 });
    const { inside, failures } = checkEq1(ds.images, out.images, t.mask, t.pattern);
    expect(failures).toEqual([]);
    expect(inside).toBeGreaterThan(0);
    expect(ds).toEqual(copy);
  });

  it('has uint8 and float32 parity, also on one channel', () => {
    const ds = randomDataset(2, 10, 10, 1);
    const out8 = applyWatermark(toUint8(ds));
    const out32 = applyWatermark(ds);
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });
});
