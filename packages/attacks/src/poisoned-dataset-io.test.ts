import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomDataset, toUint8 } from './_test-helpers';
import { AttackError } from './errors';
import { poisonDataset } from './poison-dataset';
import {
  POISONED_DATASET_FILES,
  readPoisonedDataset,
  writePoisonedDataset,
} from './poisoned-dataset-io';
import type { ImageArray } from './types';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'none-attacks-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<AttackError> {
  try {
    await promise;
  } catch (error) {
    if (AttackError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AttackError');
}

const train = randomDataset(60, 4, 4, 3, 5, 1);

describe('writePoisonedDataset / readPoisonedDataset', () => {
  it.each([
    ['float32', train],
    ['uint8', toUint8(train)],
  ] as const)('round-trips a %s poisoned dataset exactly', async (dtype, dataset) => {
    const dir = join(root, `round-trip-${dtype}`, 'nested');
    const result = poisonDataset<ImageArray>(
      dataset,
      { type: 'wanet', target: 1 },
      {
        rate: 0.1,
        seed: 3,
      },
    );
    await writePoisonedDataset(dir, result);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(Object.values(POISONED_DATASET_FILES).sort());
    const back = await readPoisonedDataset(dir);
    expect(back.dataset).toEqual(result.dataset);
    expect(back.dataset.images).toBeInstanceOf(dtype === 'uint8' ? Uint8Array : Float32Array);
    expect(back.poisonedIndices).toEqual(result.poisonedIndices);
    expect(back.noiseIndices).toEqual(result.noiseIndices);
    expect(back.manifest).toEqual(result.manifest);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files).toEqual({
      images: 'images.bin',
      labels: 'labels.bin',
      poisonedIndices: 'poisoned-indices.bin',
      noiseIndices: 'noise-indices.bin',
    });
  });

  it('overwrites an existing dataset in place', async () => {
    const dir = join(root, 'overwrite');
    await writePoisonedDataset(
      dir,
      poisonDataset(train, { type: 'pixel' }, { rate: 0.1, seed: 1 }),
    );
    const second = poisonDataset(train, { type: 'pixel' }, { rate: 0.2, seed: 2 });
    await writePoisonedDataset(dir, second);
    expect((await readPoisonedDataset(dir)).poisonedIndices).toEqual(second.poisonedIndices);
  });

  it('detects a corrupted file by its SHA-256', async () => {
    const dir = join(root, 'corrupt');
    const result = poisonDataset(train, { type: 'badnets' }, { rate: 0.1, seed: 1 });
    await writePoisonedDataset(dir, result);
    const file = join(dir, 'images.bin');
    const bytes = await readFile(file);
    bytes[17] = bytes[17]! ^ 0xff;
    await writeFile(file, bytes);
    const error = await rejection(readPoisonedDataset(dir));
    expect(error.code).toBe('E_INTEGRITY');
    expect(error.message).toContain('images.bin: SHA-256 mismatch: manifest says');
  });

  it('detects a truncated file, a tampered label, a bad manifest and a missing file', async () => {
    const dir = join(root, 'damaged');
    const result = poisonDataset(train, { type: 'badnets' }, { rate: 0.1, seed: 1 });
    await writePoisonedDataset(dir, result);
    await truncate(join(dir, 'labels.bin'), 8);
    const truncated = await rejection(readPoisonedDataset(dir));
    expect(truncated.code).toBe('E_INTEGRITY');
    expect(truncated.message).toContain('labels.bin has 8 bytes, the manifest implies 240');

    await writePoisonedDataset(dir, result);
    const labels = new Int32Array(result.dataset.labels);
    labels[0] = (labels[0]! + 1) % 5;
    await writeFile(join(dir, 'labels.bin'), new Uint8Array(labels.buffer));
    expect((await rejection(readPoisonedDataset(dir))).message).toContain(
      'labels.bin: SHA-256 mismatch',
    );

    await writeFile(join(dir, 'manifest.json'), '{ not json');
    expect((await rejection(readPoisonedDataset(dir))).message).toContain('is not valid JSON');
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...result.manifest, formatVersion: 9 }),
    );
    expect((await rejection(readPoisonedDataset(dir))).message).toContain(
      'formatVersion must be 1, got 9',
    );

    const missing = await rejection(readPoisonedDataset(join(root, 'does-not-exist')));
    expect(missing.code).toBe('E_IO');
    expect(missing.message).toContain('cannot read');
  });

  it('refuses to write a result modified after poisoning, and leaves no temp files', async () => {
    const dir = join(root, 'modified');
    const result = poisonDataset(train, { type: 'badnets' }, { rate: 0.1, seed: 1 });
    result.dataset.images[0] = 0.123;
    const error = await rejection(writePoisonedDataset(dir, result));
    expect(error.code).toBe('E_INTEGRITY');
    expect(error.message).toBe(
      "writePoisonedDataset: images no longer match the manifest's SHA-256 (modified after poisonDataset?)",
    );
    const ok = poisonDataset(train, { type: 'badnets' }, { rate: 0.1, seed: 1 });
    await writePoisonedDataset(dir, ok);
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});
