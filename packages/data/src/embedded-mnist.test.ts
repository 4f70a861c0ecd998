import { describe, expect, it } from 'vitest';
import { expectDataError } from './_test-helpers';
import { loadEmbeddedMnist } from './embedded-mnist';
import { classCounts } from './image-dataset';

/** Element-wise equality of two large typed arrays (vitest's deep equality is slow on them). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Digits per class in the `mnist` package (1.1.0), in its order. */
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('loadEmbeddedMnist', () => {
  it('splits each class 80/20 into 28x28x1 float datasets', () => {
    const started = performance.now();
    const { train, test } = loadEmbeddedMnist();
    const milliseconds = performance.now() - started;
    const expectedTrain = PACKAGE_COUNTS.map((count) => Math.round(count * 0.8));
    const expectedTest = PACKAGE_COUNTS.map((count, k) => count - expectedTrain[k]!);
    expect([...classCounts(train)]).toEqual(expectedTrain);
    expect([...classCounts(test)]).toEqual(expectedTest);
    expect(train.shape).toEqual([8000, 28, 28, 1]);
    expect(test.shape).toEqual([2000, 28, 28, 1]);
    expect(train.images).toBeInstanceOf(Float32Array);
    expect(train.numClasses).toBe(10);
    expect(train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    console.info(`loadEmbeddedMnist: first call ${milliseconds.toFixed(0)} ms`);
  });

  it('holds real digit images: bytes / 255, ink in the centre, none blank', () => {
    const { train } = loadEmbeddedMnist({ dtype: 'uint8' });
    const images = train.images as Uint8Array;
    let centre = 0;
    let border = 0;
    for (let i = 0; i < train.shape[0]; i++) {
      let ink = 0;
      for (let p = 0; p < 784; p++) {
        const value = images[i * 784 + p]!;
        ink += value;
        const y = Math.floor(p / 28);
        const x = p % 28;
        if (y >= 10 && y < 18 && x >= 10 && x < 18) centre += value;
        if (y === 0 || y === 27 || x === 0 || x === 27) border += value;
      }
      expect(ink).toBeGreaterThan(0);
    }
    expect(centre).toBeGreaterThan(100 * border);
    const float = loadEmbeddedMnist().train.images;
    let mismatches = 0;
    for (let p = 0; p < images.length; p++) {
      if (float[p] !== Math.fround(images[p]! / 255)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('is deterministic and returns fresh arrays every call', () => {
    const first = loadEmbeddedMnist({ dtype: 'uint8' });
    const second = loadEmbeddedMnist({ dtype: 'uint8' });
    expect(sameValues(second.train.images, first.train.images)).toBe(true);
    expect(sameValues(second.test.images, first.test.images)).toBe(true);
    expect(sameValues(second.test.labels, first.test.labels)).toBe(true);
    first.train.images[0] = 77;
    expect(loadEmbeddedMnist({ dtype: 'uint8' }).train.images[0]).toBe(second.train.images[0]);
    const started = performance.now();
    loadEmbeddedMnist();
    console.info(`loadEmbeddedMnist: cached call ${(performance.now() - started).toFixed(0)} ms`);
  });

  it('takes the first samples of each class as training samples', () => {
    const all = loadEmbeddedMnist({ testFraction: 0, dtype: 'uint8' }).train;
    const { train, test } = loadEmbeddedMnist({ dtype: 'uint8' });
    expect(all.shape[0]).toBe(10_000);
    // Class 0 occupies the first 1001 samples of `all`: 801 in train, then 200 in test.
    expect(sameValues(train.images.subarray(0, 801 * 784), all.images.subarray(0, 801 * 784))).toBe(
      true,
    );
    expect(
      sameValues(test.images.subarray(0, 200 * 784), all.images.subarray(801 * 784, 1001 * 784)),
    ).toBe(true);
  });

  it('rejects a bad test fraction', async () => {
    await expectDataError(() => loadEmbeddedMnist({ testFraction: 2 }), 'E_INVALID_ARGUMENT');
  });
});
