import { describe, expect, it } from 'vitest';
import { expectDataError } from './_test-helpers';
import {
  classCounts,
  createImageDataset,
  type ImageDataset,
  oneHot,
  toFloat32,
  toUint8,
} from './image-dataset';

function tiny(): ImageDataset {
  return {
    images: Uint8Array.from([0, 51, 102, 255, 1, 2, 3, 4]),
    shape: [2, 2, 2, 1],
    labels: Int32Array.of(0, 2),
    numClasses: 3,
    classNames: ['a', 'b', 'c'],
  };
}

describe('createImageDataset', () => {
  it('returns a valid dataset unchanged', () => {
    const dataset = tiny();
    expect(createImageDataset(dataset)).toBe(dataset);
  });

  it('rejects a size that does not match the shape', async () => {
    const error = await expectDataError(
      () => createImageDataset({ ...tiny(), shape: [3, 2, 2, 1] }),
      'E_INVALID_ARGUMENT',
    );
    expect(error.message).toContain('needs 12');
  });

  it('rejects a wrong number of labels and labels out of range', async () => {
    await expectDataError(
      () => createImageDataset({ ...tiny(), labels: Int32Array.of(0) }),
      'E_COUNT_MISMATCH',
    );
    const error = await expectDataError(
      () => createImageDataset({ ...tiny(), labels: Int32Array.of(0, 3) }),
      'E_LABEL_RANGE',
    );
    expect(error.message).toContain('sample 1 is 3, expected an integer in [0, 2]');
  });

  it('rejects class names that do not match numClasses', async () => {
    await expectDataError(
      () => createImageDataset({ ...tiny(), classNames: ['a'] }),
      'E_INVALID_ARGUMENT',
    );
  });
});

describe('toFloat32 and toUint8', () => {
  it('maps bytes to [0, 1] and back exactly', () => {
    const dataset = tiny();
    const float = toFloat32(dataset);
    expect(float.images).toBeInstanceOf(Float32Array);
    expect(float.images[1]).toBeCloseTo(0.2, 6);
    expect(float.images[3]).toBe(1);
    expect([...toUint8(float).images]).toEqual([...dataset.images]);
    expect(float.labels).toEqual(dataset.labels);
    expect(float.classNames).toEqual(dataset.classNames);
  });

  it('returns datasets already in the target type as they are', () => {
    const float = toFloat32(tiny());
    expect(toFloat32(float)).toBe(float);
    const bytes = tiny();
    expect(toUint8(bytes)).toBe(bytes);
  });

  it('clamps out-of-range and NaN floats when converting to bytes', () => {
    const dataset: ImageDataset = {
      images: Float32Array.of(-1, 2, Number.NaN, 0.5),
      shape: [1, 2, 2, 1],
      labels: Int32Array.of(0),
      numClasses: 1,
    };
    expect([...toUint8(dataset).images]).toEqual([0, 255, 0, 128]);
  });
});

describe('classCounts and oneHot', () => {
  it('counts samples per class', () => {
    expect([...classCounts(tiny())]).toEqual([1, 0, 1]);
  });

  it('one-hot encodes labels', () => {
    expect([...oneHot(Int32Array.of(2, 0), 3)]).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('rejects a label outside the classes', async () => {
    await expectDataError(() => oneHot(Int32Array.of(3), 3), 'E_LABEL_RANGE');
  });
});
