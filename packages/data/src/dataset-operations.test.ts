import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { expectDataError } from './_test-helpers';
import { concatDatasets } from './concat-datasets';
import { datasetBatches } from './dataset-batches';
import { classCounts, type ImageDataset, toFloat32 } from './image-dataset';
import { shuffleDataset } from './shuffle-dataset';
import { splitDataset } from './split-dataset';
import { subsetDataset } from './subset-dataset';

/** n 1x2x1 images whose pixels are (i, 100 + i), labels i mod classes. */
function numbered(n: number, numClasses = 3): ImageDataset {
  const images = new Uint8Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    images[2 * i] = i;
    images[2 * i + 1] = 100 + i;
    labels[i] = i % numClasses;
  }
  return { images, shape: [n, 1, 2, 1], labels, numClasses };
}

/** The sample numbers (first pixel) of a `numbered` dataset. */
function ids(dataset: ImageDataset): number[] {
  return Array.from({ length: dataset.shape[0] }, (_, i) => dataset.images[2 * i]!);
}

describe('subsetDataset', () => {
  it('copies the chosen samples in the given order, repeats allowed', () => {
    const dataset = numbered(6);
    const subset = subsetDataset(dataset, [4, 1, 1]);
    expect(subset.shape).toEqual([3, 1, 2, 1]);
    expect([...subset.images]).toEqual([4, 104, 1, 101, 1, 101]);
    expect([...subset.labels]).toEqual([1, 1, 1]);
    subset.images[0] = 99;
    expect(dataset.images[8]).toBe(4);
  });

  it('rejects an index out of range', async () => {
    const error = await expectDataError(
      () => subsetDataset(numbered(3), [0, 3]),
      'E_INVALID_ARGUMENT',
    );
    expect(error.message).toContain('indices[1]');
  });
});

describe('shuffleDataset', () => {
  it('permutes the samples, the same way for the same seed', () => {
    const dataset = numbered(20);
    const a = shuffleDataset(dataset, { seed: 1 });
    const b = shuffleDataset(dataset, { seed: 1 });
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a)).not.toEqual(ids(dataset));
    expect([...ids(a)].sort((x, y) => x - y)).toEqual(ids(dataset));
    for (let i = 0; i < 20; i++) expect(a.labels[i]).toBe(ids(a)[i]! % 3);
    expect(ids(a)).toEqual([...createRandom(1).permutation(20)]);
  });

  it('refuses to shuffle without a seed', async () => {
    await expectDataError(() => shuffleDataset(numbered(3), {}), 'E_INVALID_ARGUMENT');
  });
});

describe('splitDataset', () => {
  it('without a seed puts the first samples of each class in train', () => {
    const dataset = numbered(30); // 10 per class
    const { train, test, trainIndices, testIndices } = splitDataset(dataset, {
      testFraction: 0.2,
    });
    expect([...classCounts(train)]).toEqual([8, 8, 8]);
    expect([...classCounts(test)]).toEqual([2, 2, 2]);
    expect(ids(test)).toEqual([24, 25, 26, 27, 28, 29]);
    expect([...trainIndices, ...testIndices].sort((a, b) => a - b)).toEqual(ids(dataset));
  });

  it('with a seed draws a stratified random split, deterministic for the seed', () => {
    const dataset = numbered(30);
    const a = splitDataset(dataset, { testFraction: 0.3, seed: 4 });
    const b = splitDataset(dataset, { testFraction: 0.3, seed: 4 });
    expect(a.testIndices).toEqual(b.testIndices);
    expect([...classCounts(a.test)]).toEqual([3, 3, 3]);
    expect(ids(a.test)).not.toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(ids(a.test)).toEqual([...a.testIndices]);
  });

  it('splits the whole set when not stratified', () => {
    const { train, test } = splitDataset(numbered(10), { testFraction: 0.5, stratify: false });
    expect(ids(train)).toEqual([0, 1, 2, 3, 4]);
    expect(ids(test)).toEqual([5, 6, 7, 8, 9]);
  });

  it('rejects a label outside the classes instead of dropping the sample', async () => {
    const dataset = { ...numbered(3), labels: Int32Array.of(0, 1, 5) };
    await expectDataError(() => splitDataset(dataset, { testFraction: 0.5 }), 'E_LABEL_RANGE');
  });

  it('rejects a fraction outside [0, 1]', async () => {
    await expectDataError(
      () => splitDataset(numbered(3), { testFraction: 1.5 }),
      'E_INVALID_ARGUMENT',
    );
  });
});

describe('concatDatasets', () => {
  it('appends samples and keeps the storage type when all agree', () => {
    const joined = concatDatasets([numbered(2), numbered(3)]);
    expect(joined.shape).toEqual([5, 1, 2, 1]);
    expect(joined.images).toBeInstanceOf(Uint8Array);
    expect(ids(joined)).toEqual([0, 1, 0, 1, 2]);
    expect([...joined.labels]).toEqual([0, 1, 0, 1, 2]);
  });

  it('converts to float32 when storage types differ and takes the largest class count', () => {
    const joined = concatDatasets([numbered(1, 2), toFloat32(numbered(2, 5))]);
    expect(joined.images).toBeInstanceOf(Float32Array);
    expect(joined.images[3]).toBeCloseTo(100 / 255, 6);
    expect(joined.numClasses).toBe(5);
  });

  it('rejects different image sizes and different class names', async () => {
    const other: ImageDataset = { ...numbered(1), images: new Uint8Array(3), shape: [1, 3, 1, 1] };
    await expectDataError(() => concatDatasets([numbered(1), other]), 'E_SHAPE_MISMATCH');
    await expectDataError(
      () =>
        concatDatasets([
          { ...numbered(1), classNames: ['a', 'b', 'c'] },
          { ...numbered(1), classNames: ['a', 'c', 'b'] },
        ]),
      'E_SHAPE_MISMATCH',
    );
    await expectDataError(() => concatDatasets([]), 'E_INVALID_ARGUMENT');
  });
});

describe('datasetBatches', () => {
  it('visits every sample once, in order, as views', () => {
    const dataset = numbered(10);
    const batches = [...datasetBatches(dataset, { batchSize: 4 })];
    expect(batches.map((batch) => batch.shape[0])).toEqual([4, 4, 2]);
    expect(batches.map((batch) => batch.batchCount)).toEqual([3, 3, 3]);
    expect([...batches[2]!.indices]).toEqual([8, 9]);
    expect([...batches[1]!.images]).toEqual([4, 104, 5, 105, 6, 106, 7, 107]);
    expect(batches[0]!.images.buffer).toBe(dataset.images.buffer);
  });

  it('shuffles with a seed, the same way for the same seed, and can drop the last batch', () => {
    const dataset = numbered(10);
    const order = (seed: number) =>
      [...datasetBatches(dataset, { batchSize: 3, shuffle: true, seed, dropLast: true })].map(
        (batch) => [...batch.indices],
      );
    const first = order(2);
    expect(first).toEqual(order(2));
    expect(first.length).toBe(3);
    const batch = [...datasetBatches(dataset, { batchSize: 10, shuffle: true, seed: 2 })][0]!;
    for (let i = 0; i < 10; i++) {
      expect(batch.images[2 * i]).toBe(batch.indices[i]);
      expect(batch.labels[i]).toBe(batch.indices[i]! % 3);
    }
    expect(new Set(batch.indices).size).toBe(10);
  });

  it('fails at the call, not at the first iteration, for bad options', async () => {
    await expectDataError(
      () => datasetBatches(numbered(3), { batchSize: 0 }),
      'E_INVALID_ARGUMENT',
    );
    await expectDataError(
      () => datasetBatches(numbered(3), { batchSize: 2, shuffle: true }),
      'E_INVALID_ARGUMENT',
    );
  });
});
