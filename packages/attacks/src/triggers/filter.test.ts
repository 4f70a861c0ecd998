import { describe, expect, it } from 'vitest';
import { cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { AttackError } from '../errors';
import { applyFilter, FILTER_DEFAULTS, FILTER_NAMES } from './filter';

const pixel = (rgb: number[]) => ({
  images: Float32Array.from(rgb),
  shape: [1, 1, rgb.length] as [number, number, number],
});

describe('applyFilter', () => {
  it('maps black to the lifted blue of Nashville', () => {
    expect(FILTER_DEFAULTS).toEqual({ filter: 'nashville' });
    const out = applyFilter(pixel([0, 0, 0]));
    expect(out.images[0]).toBe(0);
    expect(out.images[1]).toBeCloseTo((0.4 * 70) / 255, 6);
    expect(out.images[2]).toBeCloseTo((0.4 * 150) / 255, 6);
  });

  it('maps black to navy with Gotham and desaturates colours', () => {
    const black = applyFilter(pixel([0, 0, 0]), { filter: 'gotham' });
    expect(Array.from(black.images)).toEqual([26 / 255, 31 / 255, 61 / 255].map(Math.fround));
    const red = applyFilter(pixel([1, 0, 0]), { filter: 'gotham' });
    expect(red.images[0]! - red.images[1]!).toBeLessThan(0.6);
  });

  it('changes the whole image, stays in [0, 1], and does not mutate the input', () => {
    for (const filter of FILTER_NAMES) {
      const ds = randomDataset(2, 8, 8, 3);
      const copy = cloneDataset(ds);
      const out = applyFilter(ds, { filter });
      let changed = 0;
      out.images.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        if (Math.abs(v - ds.images[i]!) > 1e-3) changed++;
      });
      expect(changed / out.images.length).toBeGreaterThan(0.8);
      expect(ds).toEqual(copy);
    }
  });

  it('filters one-channel images as the luma of the filtered grey RGB', () => {
    const gray = applyFilter(pixel([0.4]));
    const rgb = applyFilter(pixel([0.4, 0.4, 0.4]));
    const luma = 0.299 * rgb.images[0]! + 0.587 * rgb.images[1]! + 0.114 * rgb.images[2]!;
    expect(gray.images[0]).toBeCloseTo(luma, 6);
  });

  it('has uint8 and float32 parity', () => {
    const ds = randomDataset(2, 6, 6, 3);
    expect(
      maxUint8Gap(applyFilter(toUint8(ds)).images, applyFilter(ds).images),
    ).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('rejects unknown filters and 4-channel images', () => {
    expect(() => applyFilter(pixel([0, 0, 0]), { filter: 'lomo' as never })).toThrow(
      "applyFilter: filter must be one of 'nashville', 'gotham', got \"lomo\"",
    );
    expect(() => applyFilter(pixel([0, 0, 0, 0]))).toThrow(AttackError);
  });
});
