import { describe, expect, it } from 'vitest';
import { cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { applyWanet, createWanetGrid, upsampleBicubic, WANET_DEFAULTS } from './wanet';

describe('upsampleBicubic (PyTorch bicubic, align_corners=True)', () => {
  it('keeps the corner values and reproduces constants', () => {
    const values = Float64Array.from([1, -2, 3, 0.5, 4, -1, 2, 2, -3]);
    const out = upsampleBicubic(values, 3, 7, 5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[4]).toBeCloseTo(3, 12);
    expect(out[30]).toBeCloseTo(2, 12);
    expect(out[34]).toBeCloseTo(-3, 12);
    // the control points land exactly on output pixels when (out - 1) is a multiple of (k - 1)
    expect(out[3 * 5 + 2]).toBeCloseTo(4, 12);
    const constant = upsampleBicubic(new Float64Array(16).fill(0.7), 4, 9, 9);
    for (const v of constant) expect(v).toBeCloseTo(0.7, 12);
  });

  it('matches the cubic convolution at a half-way point', () => {
    // 1-D step [0, 1] (k = 2) upsampled to 3: the middle is 0.5 by symmetry
    const out = upsampleBicubic(Float64Array.from([0, 1, 0, 1]), 2, 2, 3);
    expect(Array.from(out)).toEqual([0, 0.5, 1, 0, 0.5, 1]);
  });
});

describe('createWanetGrid', () => {
  it('is the identity grid at strength 0', () => {
    expect(WANET_DEFAULTS).toEqual({
      k: 4,
      strength: 0.5,
      gridRescale: 1,
      patternSeed: 0,
      crossRatio: 2,
    });
    const { grid } = createWanetGrid({ height: 5, width: 3, channels: 1 }, { strength: 0 });
    expect(Array.from(grid.subarray(0, 6))).toEqual([-1, -1, 0, -1, 1, -1]);
    expect(grid[2 * 14 + 1]).toBe(1);
  });

  it('stays in [-1, 1], is seeded, and moves pixels by about s / H', () => {
    const size = { height: 32, width: 32, channels: 3 };
    const a = createWanetGrid(size);
    expect(a.grid.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(createWanetGrid(size).grid).toEqual(a.grid);
    expect(createWanetGrid(size, { patternSeed: 1 }).grid).not.toEqual(a.grid);
    const identity = createWanetGrid(size, { strength: 0 }).grid;
    let maxShift = 0;
    let meanShift = 0;
    for (let i = 0; i < identity.length; i++) {
      const shift = Math.abs(a.grid[i]! - identity[i]!);
      maxShift = Math.max(maxShift, shift);
      meanShift += shift / identity.length;
    }
    expect(maxShift).toBeGreaterThan(0);
    // noise normalised to mean |.| = 1 before upsampling: mean shift is of order s / H
    expect(meanShift).toBeLessThan((3 * 0.5) / 32);
    expect(meanShift).toBeGreaterThan(0.1 * (0.5 / 32));
  });
});

describe('applyWanet', () => {
  it('is the identity at strength 0 (up to float rounding)', () => {
    const ds = randomDataset(3, 9, 7, 3);
    const out = applyWanet(ds, { strength: 0 });
    out.images.forEach((v, i) => {
      expect(v).toBeCloseTo(ds.images[i]!, 6);
    });
    const u8 = toUint8(ds);
    expect(applyWanet(u8, { strength: 0 }).images).toEqual(u8.images);
  });

  it('warps images (values stay in [0, 1]) without mutating the input', () => {
    const ds = randomDataset(2, 16, 16, 3);
    const copy = cloneDataset(ds);
    const out = applyWanet(ds, { strength: 1 });
    expect(out.images).not.toEqual(ds.images);
    expect(out.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(ds).toEqual(copy);
  });

  it('noise mode differs from the warp and between samples, and is seeded', () => {
    const ds = randomDataset(1, 16, 16, 1);
    const two = {
      ...ds,
      images: new Float32Array([...ds.images, ...ds.images]),
      shape: [2, 16, 16, 1] as [number, number, number, number],
    };
    const warp = applyWanet(two);
    const noisy = applyWanet(two, {}, { noise: true, seed: 3 });
    expect(noisy.images).not.toEqual(warp.images);
    expect(noisy.images.subarray(0, 256)).not.toEqual(noisy.images.subarray(256));
    expect(applyWanet(two, {}, { noise: true, seed: 3 }).images).toEqual(noisy.images);
  });

  it('has uint8 and float32 parity', () => {
    const ds = randomDataset(2, 12, 12, 3);
    const out8 = applyWanet(toUint8(ds));
    const out32 = applyWanet(ds);
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });
});
