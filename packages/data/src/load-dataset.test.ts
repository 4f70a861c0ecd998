import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempFolder, expectDataError } from './_test-helpers';
import { datasetConfigSchema } from './dataset.schema';
import { classCounts } from './image-dataset';
import { type DatasetOptions, loadDataset } from './load-dataset';

let folder: { path: string; remove: () => void };
beforeAll(() => {
  folder = createTempFolder();
});
afterAll(() => folder.remove());

async function writeClassFolders(root: string, perClass: number): Promise<void> {
  for (const name of ['a', 'b']) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const png = await sharp({
        create: { width: 3, height: 3, channels: 3, background: { r: i * 20, g: 0, b: 0 } },
      })
        .png()
        .toBuffer();
      writeFileSync(join(root, name, `${i}.png`), png);
    }
  }
}

describe('loadDataset', () => {
  it('loads the embedded MNIST', async () => {
    const { train, test } = await loadDataset({ type: 'embedded-mnist', dtype: 'uint8' });
    expect(train.shape[0] + test.shape[0]).toBe(10_000);
  });

  it('makes blobs with separate train and test points from one seed', async () => {
    const { train, test } = await loadDataset({ type: 'blobs', seed: 1, n: 20, testN: 10 });
    expect(train.shape).toEqual([20, 1, 1, 2]);
    expect(test.shape).toEqual([10, 1, 1, 2]);
    expect(test.labels[0]).toBe(0); // point 20 of the stream: 20 mod 5
    const again = await loadDataset({ type: 'blobs', seed: 1, n: 20, testN: 10 });
    expect(again.test.images).toEqual(test.images);
  });

  it('splits an image folder without a test folder, and reads a test folder by class name', async () => {
    const root = join(folder.path, 'images');
    await writeClassFolders(join(root, 'train'), 5);
    await writeClassFolders(join(root, 'val'), 2);
    const split = await loadDataset({ type: 'image-folder', train: join(root, 'train'), size: 3 });
    expect([...classCounts(split.train)]).toEqual([4, 4]);
    expect([...classCounts(split.test)]).toEqual([1, 1]);
    const both = await loadDataset({
      type: 'image-folder',
      train: join(root, 'train'),
      test: join(root, 'val'),
      size: 3,
    });
    expect(both.test.classNames).toEqual(['a', 'b']);
    expect(both.test.shape).toEqual([4, 3, 3, 3]);
  });

  it('takes blob centres from the schema without a class count', async () => {
    const options = datasetConfigSchema.parse({
      type: 'blobs',
      seed: 0,
      n: 6,
      testN: 0,
      centers: [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
    });
    const { train } = await loadDataset(options);
    expect(train.numClasses).toBe(3);
    expect([...train.labels]).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('takes the output of the schema', async () => {
    const options: DatasetOptions = datasetConfigSchema.parse({ type: 'blobs', seed: 2, n: 5 });
    const { train, test } = await loadDataset(options);
    expect(train.shape[0]).toBe(5);
    expect(test.shape[0]).toBe(1000);
  });

  it('passes the loader errors through', async () => {
    const missing = join(folder.path, 'missing');
    await expectDataError(
      () => loadDataset({ type: 'cifar10', directory: missing }),
      'E_NOT_FOUND',
      missing,
    );
    await expectDataError(
      () => loadDataset({ type: 'unknown' } as unknown as DatasetOptions),
      'E_INVALID_ARGUMENT',
    );
  });
});
