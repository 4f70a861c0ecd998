import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEq1, cloneDataset, maxUint8Gap, randomDataset, toUint8 } from '../_test-helpers';
import { AttackError } from '../errors';
import { applyMaskedTrigger } from '../masked-trigger';
import { applyBadNets, BADNETS_DEFAULTS, createBadNetsTrigger } from './badnets';

describe('createBadNetsTrigger', () => {
  it('defaults to a 3x3 white square in the bottom-right corner', () => {
    const { mask, pattern } = createBadNetsTrigger({ height: 6, width: 5, channels: 1 });
    const ones: number[] = [];
    mask.forEach((m, i) => {
      if (m === 1) ones.push(i);
    });
    expect(ones).toEqual([17, 18, 19, 22, 23, 24, 27, 28, 29]);
    for (const i of ones) expect(pattern[i]).toBe(1);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(9);
    expect(BADNETS_DEFAULTS).toEqual({
      size: 3,
      position: 'bottom-right',
      margin: 0,
      color: 1,
      pattern: 'solid',
    });
  });

  it('places the patch at every anchor and at { x, y }, honouring the margin', () => {
    const size = { height: 8, width: 8, channels: 1 };
    const topLeft = (t: { mask: Float32Array }) => t.mask.indexOf(1);
    expect(topLeft(createBadNetsTrigger(size, { position: 'top-left' }))).toBe(0);
    expect(topLeft(createBadNetsTrigger(size, { position: 'top-right' }))).toBe(5);
    expect(topLeft(createBadNetsTrigger(size, { position: 'bottom-left' }))).toBe(5 * 8);
    expect(topLeft(createBadNetsTrigger(size, { position: 'bottom-right', margin: 1 }))).toBe(
      4 * 8 + 4,
    );
    expect(topLeft(createBadNetsTrigger(size, { position: 'center', size: 2 }))).toBe(3 * 8 + 3);
    expect(topLeft(createBadNetsTrigger(size, { position: { x: 2, y: 1 } }))).toBe(8 + 2);
  });

  it('builds checkerboard, coloured and explicit patterns', () => {
    const size = { height: 3, width: 3, channels: 3 };
    const red = createBadNetsTrigger(size, { color: [1, 0, 0] });
    expect(Array.from(red.pattern.subarray(0, 3))).toEqual([1, 0, 0]);
    const checker = createBadNetsTrigger(size, { pattern: 'checkerboard' });
    expect(Array.from(checker.pattern.filter((_, i) => i % 3 === 0))).toEqual([
      1, 0, 1, 0, 1, 0, 1, 0, 1,
    ]);
    const explicit = createBadNetsTrigger(
      { height: 2, width: 2, channels: 1 },
      { size: 2, pattern: [0.1, 0.2, 0.3, 0.4] },
    );
    expect(Array.from(explicit.pattern)).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
    const gray = createBadNetsTrigger({ height: 3, width: 3, channels: 1 }, { color: [1, 0, 0] });
    expect(gray.pattern[8]).toBeCloseTo(0.299, 6);
  });

  it('throws AttackError naming the field for a patch bigger than the image', () => {
    const call = () => createBadNetsTrigger({ height: 4, width: 4, channels: 1 }, { size: 5 });
    expect(call).toThrow(AttackError);
    expect(call).toThrow('createBadNetsTrigger: the trigger (5x5) is bigger than the image (4x4)');
    expect(() =>
      createBadNetsTrigger({ height: 4, width: 4, channels: 1 }, { position: { x: 3, y: 0 } }),
    ).toThrow('position.x must be an integer in [0, 1], got 3');
    expect(() => createBadNetsTrigger({ height: 4, width: 4, channels: 1 }, { color: 2 })).toThrow(
      'color must be a number in [0, 1], got 2',
    );
    expect(() =>
      createBadNetsTrigger({ height: 4, width: 4, channels: 3 }, { color: [1, 0] }),
    ).toThrow('color must have 1 or 3 values');
  });
});

describe('applyBadNets', () => {
  it('keeps pixels outside the mask and sets the patch (Eq. 1), for any size and position', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(1, 3),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('top-left', 'top-right', 'bottom-left', 'bottom-right', 'center' as const),
        (height, width, channels, side, position) => {
          fc.pre(side <= height && side <= width);
          const ds = randomDataset(3, height, width, channels, 2, height * 31 + width);
          const trigger = createBadNetsTrigger(
            { height, width, channels },
            {
              size: side,
              position,
            },
          );
          const out = applyBadNets(ds, { size: side, position });
          const { inside, failures } = checkEq1(
            ds.images,
            out.images,
            trigger.mask,
            trigger.pattern,
          );
          expect(failures).toEqual([]);
          expect(inside).toBe(3 * side * side * channels);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('does not mutate its input and keeps the dtype and shape', () => {
    const ds = randomDataset(4, 6, 6, 3);
    const copy = cloneDataset(ds);
    const out = applyBadNets(ds);
    expect(ds).toEqual(copy);
    expect(out.images).toBeInstanceOf(Float32Array);
    expect(out.shape).toEqual([4, 6, 6, 3]);
    expect(out.images).not.toBe(ds.images);
  });

  it('gives the same result on uint8 as on float32 (parity), and exact outside the patch', () => {
    const ds = randomDataset(5, 7, 7, 3);
    const u8 = toUint8(ds);
    const out8 = applyBadNets(u8, { color: [1, 0.5, 0] });
    const out32 = applyBadNets(ds, { color: [1, 0.5, 0] });
    expect(out8.images).toBeInstanceOf(Uint8Array);
    expect(maxUint8Gap(out8.images, out32.images)).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
    const { mask } = createBadNetsTrigger({ height: 7, width: 7, channels: 3 });
    out8.images.forEach((v, i) => {
      if (mask[i % mask.length] === 0) expect(v).toBe(u8.images[i]);
    });
  });

  it('works on a single image [h, w, c]', () => {
    const out = applyBadNets({ images: new Uint8Array(16), shape: [4, 4, 1] }, { size: 2 });
    expect(Array.from(out.images)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255,
    ]);
    expect(out.shape).toEqual([4, 4, 1]);
  });

  it('matches applyMaskedTrigger with the exposed mask and pattern', () => {
    const ds = randomDataset(2, 5, 5, 1);
    const trigger = createBadNetsTrigger({ height: 5, width: 5, channels: 1 }, { size: 2 });
    expect(applyMaskedTrigger(ds, trigger).images).toEqual(applyBadNets(ds, { size: 2 }).images);
  });

  it('rejects inconsistent shapes with E_SHAPE_MISMATCH', () => {
    try {
      applyBadNets({ images: new Float32Array(10), shape: [1, 3, 3, 1] });
      expect.unreachable();
    } catch (error) {
      expect(AttackError.isInstance(error)).toBe(true);
      expect((error as AttackError).code).toBe('E_SHAPE_MISMATCH');
      expect((error as AttackError).message).toBe(
        'applyBadNets: batch.images has 10 values, expected 9 for shape [1, 3, 3, 1]',
      );
    }
  });
});
