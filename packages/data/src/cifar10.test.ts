import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempFolder, expectDataError } from './_test-helpers';
import {
  CIFAR10_CLASS_NAMES,
  encodeCifar10Batch,
  loadCifar10,
  loadCifar10Batches,
  parseCifar10Batch,
} from './cifar10';

let folder: { path: string; remove: () => void };
beforeAll(() => {
  folder = createTempFolder();
});
afterAll(() => folder.remove());

/**
 * A record written by hand: label, then the red, green and blue planes. Pixel p of plane c
 * holds (seed + 3 * p + c) mod 256, so the expected HWC value at (p, c) is the same number.
 */
function record(label: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(3073);
  bytes[0] = label;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < 1024; p++) bytes[1 + c * 1024 + p] = (seed + 3 * p + c) % 256;
  }
  return bytes;
}

function records(...parts: [number, number][]): Uint8Array {
  const out = new Uint8Array(parts.length * 3073);
  for (const [i, [label, seed]] of parts.entries()) out.set(record(label, seed), i * 3073);
  return out;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(folder.path, name);
  writeFileSync(path, bytes);
  return path;
}

describe('parseCifar10Batch', () => {
  it('converts CHW planes to HWC exactly', () => {
    const { images, labels } = parseCifar10Batch(records([3, 0], [9, 5]));
    expect([...labels]).toEqual([3, 9]);
    for (const [i, seed] of [0, 5].entries()) {
      for (const p of [0, 1, 31, 32, 1023]) {
        for (let c = 0; c < 3; c++) {
          expect(images[i * 3072 + 3 * p + c]).toBe((seed + 3 * p + c) % 256);
        }
      }
    }
  });

  it('rejects a file that is not a whole number of records', async () => {
    const bytes = records([1, 0], [2, 0]).subarray(0, 3073 + 100);
    const error = await expectDataError(
      () => parseCifar10Batch(bytes, 'short.bin'),
      'E_TRUNCATED',
      'short.bin',
    );
    expect(error.message).toContain('got 3173 bytes (1 whole records and 100 bytes left over)');
    await expectDataError(() => parseCifar10Batch(new Uint8Array(0), 'empty.bin'), 'E_TRUNCATED');
  });

  it('rejects a label byte above 9', async () => {
    const error = await expectDataError(
      () => parseCifar10Batch(records([1, 0], [10, 0]), 'label.bin'),
      'E_LABEL_RANGE',
      'label.bin',
    );
    expect(error.message).toContain('record 1 is 10');
  });

  it('round-trips through encodeCifar10Batch', () => {
    const bytes = records([0, 1], [7, 2], [9, 3]);
    const { images, labels } = parseCifar10Batch(bytes);
    const encoded = encodeCifar10Batch({
      images,
      labels,
      shape: [3, 32, 32, 3],
      numClasses: 10,
    });
    expect(Buffer.from(encoded).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('loadCifar10', () => {
  it('reads the data batches in numeric order as train and test_batch.bin as test', async () => {
    const directory = join(folder.path, 'cifar-10-batches-bin');
    mkdirSync(directory);
    writeFileSync(join(directory, 'data_batch_2.bin'), records([2, 20]));
    writeFileSync(join(directory, 'data_batch_10.bin'), records([3, 30]));
    writeFileSync(join(directory, 'data_batch_1.bin'), records([1, 10], [4, 11]));
    writeFileSync(join(directory, 'test_batch.bin'), records([5, 50]));
    writeFileSync(join(directory, 'readme.html'), 'not a batch');
    const { train, test } = await loadCifar10({ directory: folder.path, dtype: 'uint8' });
    expect(train.shape).toEqual([4, 32, 32, 3]);
    expect([...train.labels]).toEqual([1, 4, 2, 3]);
    expect(train.images[2 * 3072]).toBe(20);
    expect(test.shape).toEqual([1, 32, 32, 3]);
    expect(test.classNames).toEqual(CIFAR10_CLASS_NAMES);
  });

  it('takes class names from batches.meta.txt and rejects one without 10 names', async () => {
    const directory = join(folder.path, 'with-meta');
    mkdirSync(directory);
    writeFileSync(join(directory, 'data_batch_1.bin'), records([1, 0]));
    writeFileSync(join(directory, 'test_batch.bin'), records([1, 0]));
    const names = Array.from({ length: 10 }, (_, k) => `class${k}`);
    writeFileSync(join(directory, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    const { train } = await loadCifar10({ directory });
    expect(train.classNames).toEqual(names);
    expect(train.images).toBeInstanceOf(Float32Array);
    const meta = join(directory, 'batches.meta.txt');
    writeFileSync(meta, 'a\nb\n');
    await expectDataError(() => loadCifar10({ directory }), 'E_PARSE', meta);
  });

  it('names the missing test batch', async () => {
    const directory = join(folder.path, 'no-test');
    mkdirSync(directory);
    writeFileSync(join(directory, 'data_batch_1.bin'), records([1, 0]));
    await expectDataError(
      () => loadCifar10({ directory }),
      'E_NOT_FOUND',
      join(directory, 'test_batch.bin'),
    );
  });

  it('names the truncated batch file', async () => {
    const file = write('truncated.bin', records([1, 0]).subarray(0, 3000));
    await expectDataError(() => loadCifar10Batches({ files: [file] }), 'E_TRUNCATED', file);
  });
});
