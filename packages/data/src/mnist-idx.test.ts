import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, createTempFolder, expectDataError, idxHeader } from './_test-helpers';
import { encodeIdx, loadMnistIdx, loadMnistIdxFolder, parseIdx, readIdxFile } from './mnist-idx';

let folder: { path: string; remove: () => void };
beforeAll(() => {
  folder = createTempFolder();
});
afterAll(() => folder.remove());

/** Three 2x3 images with pixels 10 * i + p, labels 7, 0, 9. */
const PIXELS = Uint8Array.from({ length: 18 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6));
const IMAGES_FILE = concatBytes(idxHeader(0x08, [3, 2, 3]), PIXELS);
const LABELS_FILE = concatBytes(idxHeader(0x08, [3]), Uint8Array.of(7, 0, 9));

function write(name: string, bytes: Uint8Array): string {
  const path = join(folder.path, name);
  writeFileSync(path, bytes);
  return path;
}

describe('parseIdx', () => {
  it('decodes the header and the values', () => {
    const parsed = parseIdx(IMAGES_FILE);
    expect(parsed.dataType).toBe('uint8');
    expect(parsed.dims).toEqual([3, 2, 3]);
    expect([...parsed.data]).toEqual([...PIXELS]);
  });

  it('round-trips every element type through encodeIdx', () => {
    const arrays = [
      { dataType: 'int8', dims: [3], data: Int8Array.of(-128, 0, 127) },
      { dataType: 'int16', dims: [1, 2], data: Int16Array.of(-300, 300) },
      { dataType: 'int32', dims: [2], data: Int32Array.of(-70000, 70000) },
      { dataType: 'float32', dims: [2], data: Float32Array.of(0.5, -1.25) },
      { dataType: 'float64', dims: [1], data: Float64Array.of(Math.PI) },
    ] as const;
    for (const array of arrays) {
      const parsed = parseIdx(encodeIdx({ ...array, dims: [...array.dims] }));
      expect(parsed.dataType).toBe(array.dataType);
      expect([...parsed.data]).toEqual([...array.data]);
    }
    expect(encodeIdx({ dataType: 'uint8', dims: [3, 2, 3], data: PIXELS })).toEqual(IMAGES_FILE);
  });

  it('rejects a wrong magic number', async () => {
    const bytes = IMAGES_FILE.slice();
    bytes[0] = 0x1a;
    const error = await expectDataError(() => parseIdx(bytes, 'x.idx'), 'E_BAD_MAGIC', 'x.idx');
    expect(error.message).toContain('0x1a000803');
  });

  it('rejects a truncated header and truncated data, saying how many bytes were expected', async () => {
    await expectDataError(
      () => parseIdx(IMAGES_FILE.subarray(0, 10), 'h.idx'),
      'E_TRUNCATED',
      'h.idx',
    );
    const error = await expectDataError(
      () => parseIdx(IMAGES_FILE.subarray(0, IMAGES_FILE.length - 1), 'd.idx'),
      'E_TRUNCATED',
      'd.idx',
    );
    expect(error.message).toContain('34 bytes in all), got 33 bytes');
  });

  it('rejects trailing bytes', async () => {
    await expectDataError(
      () => parseIdx(concatBytes(IMAGES_FILE, Uint8Array.of(0)), 't.idx'),
      'E_TRAILING_DATA',
      't.idx',
    );
  });
});

describe('loadMnistIdx', () => {
  it('reads raw files into an NHWC dataset with exact values', async () => {
    const dataset = await loadMnistIdx({
      images: write('raw-images', IMAGES_FILE),
      labels: write('raw-labels', LABELS_FILE),
      dtype: 'uint8',
    });
    expect(dataset.shape).toEqual([3, 2, 3, 1]);
    expect([...dataset.images]).toEqual([...PIXELS]);
    expect([...dataset.labels]).toEqual([7, 0, 9]);
    expect(dataset.numClasses).toBe(10);
  });

  it('reads gzip files (detected from their bytes) as float32 by default', async () => {
    const dataset = await loadMnistIdx({
      images: write('gz-images.gz', gzipSync(IMAGES_FILE)),
      labels: write('gz-labels', gzipSync(LABELS_FILE)),
    });
    expect(dataset.images).toBeInstanceOf(Float32Array);
    expect(dataset.images[7]).toBeCloseTo(11 / 255, 7);
  });

  it('names the truncated file', async () => {
    const images = write('cut-images', IMAGES_FILE.subarray(0, 30));
    await expectDataError(
      () => loadMnistIdx({ images, labels: write('cut-labels', LABELS_FILE) }),
      'E_TRUNCATED',
      images,
    );
  });

  it('reports a gzip stream that ends early as truncated', async () => {
    const zipped = gzipSync(IMAGES_FILE);
    const images = write('cut.gz', zipped.subarray(0, zipped.length - 12));
    await expectDataError(() => readIdxFile(images), 'E_TRUNCATED', images);
  });

  it('rejects a count mismatch between images and labels, naming both files', async () => {
    const images = write('mismatch-images', IMAGES_FILE);
    const labels = write('mismatch-labels', concatBytes(idxHeader(0x08, [2]), Uint8Array.of(1, 2)));
    const error = await expectDataError(
      () => loadMnistIdx({ images, labels }),
      'E_COUNT_MISMATCH',
      labels,
    );
    expect(error.message).toContain(`${images} has 3 images but ${labels} has 2 labels`);
  });

  it('rejects a label out of range, naming the file, the sample and the value', async () => {
    const labels = write(
      'range-labels',
      concatBytes(idxHeader(0x08, [3]), Uint8Array.of(1, 10, 2)),
    );
    const error = await expectDataError(
      () => loadMnistIdx({ images: write('range-images', IMAGES_FILE), labels }),
      'E_LABEL_RANGE',
      labels,
    );
    expect(error.message).toContain('sample 1 is 10, expected an integer in [0, 9]');
  });

  it('rejects images and labels files given the wrong way round', async () => {
    const images = write('swap-images', IMAGES_FILE);
    const labels = write('swap-labels', LABELS_FILE);
    await expectDataError(
      () => loadMnistIdx({ images: labels, labels: images }),
      'E_BAD_MAGIC',
      labels,
    );
  });

  it('rejects a file with a wrong magic number and a missing file', async () => {
    const bad = write('bad-magic', concatBytes(Uint8Array.of(1, 2, 8, 3), IMAGES_FILE.subarray(4)));
    await expectDataError(
      () => loadMnistIdx({ images: bad, labels: write('ok-labels', LABELS_FILE) }),
      'E_BAD_MAGIC',
      bad,
    );
    const missing = join(folder.path, 'missing');
    await expectDataError(
      () => loadMnistIdx({ images: missing, labels: missing }),
      'E_NOT_FOUND',
      missing,
    );
  });
});

describe('loadMnistIdxFolder', () => {
  it('finds the standard file names, raw or gzip', async () => {
    const directory = join(folder.path, 'mnist');
    mkdirSync(directory);
    writeFileSync(join(directory, 'train-images-idx3-ubyte.gz'), gzipSync(IMAGES_FILE));
    writeFileSync(join(directory, 'train-labels-idx1-ubyte.gz'), gzipSync(LABELS_FILE));
    writeFileSync(join(directory, 't10k-images-idx3-ubyte'), IMAGES_FILE);
    writeFileSync(join(directory, 't10k-labels.idx1-ubyte'), LABELS_FILE);
    const { train, test } = await loadMnistIdxFolder({ directory, dtype: 'uint8' });
    expect([...train.images]).toEqual([...PIXELS]);
    expect([...test.labels]).toEqual([7, 0, 9]);
  });

  it('says which standard file is missing', async () => {
    const directory = join(folder.path, 'incomplete');
    mkdirSync(directory);
    writeFileSync(join(directory, 'train-images-idx3-ubyte'), IMAGES_FILE);
    const error = await expectDataError(() => loadMnistIdxFolder({ directory }), 'E_NOT_FOUND');
    expect(error.message).toMatch(/train-labels-idx1-ubyte|t10k-/);
    expect(error.message).toContain(directory);
  });
});
