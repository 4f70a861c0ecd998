import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { expectDataError } from './_test-helpers';
import { augmentBatch, flipHorizontal, randomCrop, randomHorizontalFlip } from './augment';
import type { ImageShape } from './image-dataset';

const shape: ImageShape = [6, 5, 4, 3];

function batch(): Float32Array {
  const random = createRandom(100);
  return Float32Array.from({ length: 6 * 5 * 4 * 3 }, () => random.next());
}

function at(images: ArrayLike<number>, i: number, y: number, x: number, c: number): number {
  const [, height, width, channels] = shape;
  return images[((i * height + y) * width + x) * channels + c]!;
}

describe('flipHorizontal', () => {
  it('mirrors columns, and twice is the identity', () => {
    const images = batch();
    const flipped = flipHorizontal(images, shape);
    expect(at(flipped, 2, 1, 0, 2)).toBe(at(images, 2, 1, 3, 2));
    expect(flipHorizontal(flipped, shape)).toEqual(images);
  });
});

describe('randomCrop', () => {
  it('is the identity with padding 0', () => {
    const images = batch();
    const cropped = randomCrop(images, shape, { padding: 0, seed: 1 });
    expect(cropped).toEqual(images);
    expect(cropped).not.toBe(images);
  });

  it('shifts each image by at most the padding and fills with zeros', () => {
    const images = batch();
    const cropped = randomCrop(images, shape, { padding: 2, seed: 3 });
    const [n, height, width, channels] = shape;
    for (let i = 0; i < n; i++) {
      // Find the shift that explains the output: exactly one must.
      const matches: [number, number][] = [];
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          let same = true;
          for (let y = 0; y < height && same; y++) {
            for (let x = 0; x < width && same; x++) {
              for (let c = 0; c < channels && same; c++) {
                const sy = y + dy;
                const sx = x + dx;
                const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                const expected = inside ? at(images, i, sy, sx, c) : 0;
                same = at(cropped, i, y, x, c) === expected;
              }
            }
          }
          if (same) matches.push([dy, dx]);
        }
      }
      expect(matches.length, `image ${i}`).toBe(1);
    }
  });
});

describe('randomHorizontalFlip', () => {
  it('never flips with probability 0 and always with probability 1', () => {
    const images = batch();
    expect(randomHorizontalFlip(images, shape, { probability: 0, seed: 1 })).toEqual(images);
    expect(randomHorizontalFlip(images, shape, { probability: 1, seed: 1 })).toEqual(
      flipHorizontal(images, shape),
    );
  });
});

describe('augmentBatch', () => {
  it('gives the same output for the same seed and a different one for another seed', () => {
    const images = batch();
    const a = augmentBatch(images, shape, { padding: 2, seed: 7 });
    expect(augmentBatch(images, shape, { padding: 2, seed: 7 })).toEqual(a);
    expect(augmentBatch(images, shape, { padding: 2, seed: 8 })).not.toEqual(a);
  });

  it('does not modify its input and keeps the storage type', () => {
    const bytes = Uint8Array.from({ length: 6 * 5 * 4 * 3 }, (_, i) => i % 256);
    const copy = bytes.slice();
    const output = augmentBatch(bytes, shape, { seed: 1 });
    expect(output).toBeInstanceOf(Uint8Array);
    expect(bytes).toEqual(copy);
  });

  it('is the identity with padding 0 and no flip', () => {
    const images = batch();
    expect(augmentBatch(images, shape, { padding: 0, flip: false, seed: 5 })).toEqual(images);
  });

  it('matches a crop followed by a flip of the same draws', () => {
    const images = batch();
    const random = createRandom(9);
    const output = augmentBatch(images, shape, { padding: 1, random });
    const replay = createRandom(9);
    const [, height, width, channels] = shape;
    for (let i = 0; i < shape[0]; i++) {
      const dy = replay.int(3) - 1;
      const dx = replay.int(3) - 1;
      const flip = replay.next() < 0.5;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const sy = y + dy;
          const sx = (flip ? width - 1 - x : x) + dx;
          const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
          for (let c = 0; c < channels; c++) {
            expect(at(output, i, y, x, c)).toBe(inside ? at(images, i, sy, sx, c) : 0);
          }
        }
      }
    }
  });

  it('rejects bad options', async () => {
    const images = batch();
    await expectDataError(() => augmentBatch(images, shape, { padding: 1 }), 'E_INVALID_ARGUMENT');
    await expectDataError(
      () => augmentBatch(images, shape, { padding: -1, seed: 1 }),
      'E_INVALID_ARGUMENT',
    );
    await expectDataError(
      () => augmentBatch(images.subarray(1), shape, { seed: 1 }),
      'E_INVALID_ARGUMENT',
    );
  });
});
