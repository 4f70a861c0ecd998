import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempFolder, expectDataError } from './_test-helpers';
import { loadImageFolder } from './image-folder';

let folder: { path: string; remove: () => void };
beforeAll(() => {
  folder = createTempFolder();
});
afterAll(() => folder.remove());

/** A 4-wide, 3-high image with 1 or 3 channels; sample k is (seed + 7 * k) mod 256. */
function pixels(channels: 1 | 3, seed: number): Uint8Array {
  return Uint8Array.from({ length: 4 * 3 * channels }, (_, k) => (seed + 7 * k) % 256);
}

async function writePng(path: string, channels: 1 | 3, seed: number): Promise<void> {
  const png = await sharp(pixels(channels, seed), { raw: { width: 4, height: 3, channels } })
    .png()
    .toBuffer();
  writeFileSync(path, png);
}

/** `root/<class>/<file>` for each entry, as PNGs. */
async function writeTree(
  root: string,
  classes: Record<string, string[]>,
  channels: 1 | 3 = 3,
): Promise<void> {
  let seed = 0;
  for (const [name, files] of Object.entries(classes)) {
    mkdirSync(join(root, name), { recursive: true });
    for (const file of files) {
      seed += 10;
      await writePng(join(root, name, file), channels, seed);
    }
  }
}

describe('loadImageFolder', () => {
  it('reads class folders in sorted order with exact PNG pixels', async () => {
    const root = join(folder.path, 'valid');
    await writeTree(root, { cat: ['b.png', 'a.png'], ant: ['z.png'] });
    writeFileSync(join(root, 'cat', 'notes.txt'), 'ignored');
    writeFileSync(join(root, 'cat', '.hidden.png'), 'ignored');
    writeFileSync(join(root, 'LICENSE'), 'ignored');
    const dataset = await loadImageFolder({ directory: root, size: [3, 4], dtype: 'uint8' });
    expect(dataset.classNames).toEqual(['ant', 'cat']);
    expect(dataset.shape).toEqual([3, 3, 4, 3]);
    expect([...dataset.labels]).toEqual([0, 1, 1]);
    // Seeds were given in writing order: cat/b.png 10, cat/a.png 20, ant/z.png 30.
    expect([...dataset.images.subarray(0, 36)]).toEqual([...pixels(3, 30)]);
    expect([...dataset.images.subarray(36, 72)]).toEqual([...pixels(3, 20)]);
    expect([...dataset.images.subarray(72, 108)]).toEqual([...pixels(3, 10)]);
  });

  it('reads grey images as one channel and converts them to RGB on request', async () => {
    const root = join(folder.path, 'grey');
    await writeTree(root, { only: ['x.png'] }, 1);
    const grey = await loadImageFolder({
      directory: root,
      size: [3, 4],
      channels: 1,
      dtype: 'uint8',
    });
    expect(grey.shape).toEqual([1, 3, 4, 1]);
    expect([...grey.images]).toEqual([...pixels(1, 10)]);
    const rgb = await loadImageFolder({ directory: root, size: [3, 4], dtype: 'uint8' });
    expect(rgb.images[3]).toBe(pixels(1, 10)[1]);
    expect(rgb.images[4]).toBe(pixels(1, 10)[1]);
  });

  it('decodes JPEG and resizes to the requested size as float32', async () => {
    const root = join(folder.path, 'jpeg');
    mkdirSync(join(root, 'flat'), { recursive: true });
    const jpeg = await sharp({
      create: { width: 16, height: 10, channels: 3, background: { r: 200, g: 100, b: 50 } },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    writeFileSync(join(root, 'flat', 'image.JPG'), jpeg);
    const dataset = await loadImageFolder({ directory: root, size: 8 });
    expect(dataset.shape).toEqual([1, 8, 8, 3]);
    expect(dataset.images).toBeInstanceOf(Float32Array);
    expect(dataset.images[0]).toBeCloseTo(200 / 255, 1);
    expect(dataset.images[190]).toBeCloseTo(100 / 255, 1);
    expect(dataset.images[191]).toBeCloseTo(50 / 255, 1);
  });

  it('names an empty class folder', async () => {
    const root = join(folder.path, 'empty-class');
    await writeTree(root, { full: ['a.png'] });
    mkdirSync(join(root, 'hollow'));
    writeFileSync(join(root, 'hollow', 'readme.txt'), 'no images here');
    await expectDataError(
      () => loadImageFolder({ directory: root, size: 4 }),
      'E_EMPTY_CLASS',
      join(root, 'hollow'),
    );
  });

  it('names an image that cannot be decoded', async () => {
    const root = join(folder.path, 'undecodable');
    await writeTree(root, { one: ['a.png'] });
    const broken = join(root, 'one', 'broken.png');
    writeFileSync(broken, 'definitely not a PNG');
    const error = await expectDataError(
      () => loadImageFolder({ directory: root, size: 4 }),
      'E_DECODE',
      broken,
    );
    expect(error.message).toContain('cannot decode the image');
  });

  it('names a truncated PNG', async () => {
    const root = join(folder.path, 'truncated');
    await writeTree(root, { one: ['a.png'] });
    const png = await sharp(pixels(3, 1), { raw: { width: 4, height: 3, channels: 3 } })
      .png()
      .toBuffer();
    const cut = join(root, 'one', 'cut.png');
    writeFileSync(cut, png.subarray(0, png.length - 20));
    await expectDataError(() => loadImageFolder({ directory: root, size: 4 }), 'E_DECODE', cut);
  });

  it('maps folders to given class names and rejects unknown or missing ones', async () => {
    const root = join(folder.path, 'named');
    await writeTree(root, { dog: ['a.png'], cat: ['a.png'] });
    const dataset = await loadImageFolder({
      directory: root,
      size: 2,
      classNames: ['dog', 'cat', 'eel'].slice(0, 2),
    });
    expect([...dataset.labels]).toEqual([0, 1]);
    await expectDataError(
      () => loadImageFolder({ directory: root, size: 2, classNames: ['dog'] }),
      'E_LABEL_RANGE',
      join(root, 'cat'),
    );
    await expectDataError(
      () => loadImageFolder({ directory: root, size: 2, classNames: ['cat', 'dog', 'eel'] }),
      'E_NOT_FOUND',
      join(root, 'eel'),
    );
  });

  it('reads the TrojAI layout, labels from file names, examples in numeric order', async () => {
    const root = join(folder.path, 'trojai');
    mkdirSync(root);
    await writePng(join(root, 'class_1_example_10.png'), 3, 1);
    await writePng(join(root, 'class_1_example_2.png'), 3, 2);
    await writePng(join(root, 'class_0_example_0.png'), 3, 3);
    writeFileSync(join(root, 'ground_truth.csv'), 'ignored');
    const dataset = await loadImageFolder({
      directory: root,
      layout: 'trojai',
      size: [3, 4],
      dtype: 'uint8',
    });
    expect([...dataset.labels]).toEqual([0, 1, 1]);
    expect(dataset.numClasses).toBe(2);
    expect([...dataset.images.subarray(36, 72)]).toEqual([...pixels(3, 2)]);
    const odd = join(root, 'sample.png');
    await writePng(odd, 3, 4);
    await expectDataError(
      () => loadImageFolder({ directory: root, layout: 'trojai', size: 4 }),
      'E_PARSE',
      odd,
    );
  });

  it('names a missing folder and a folder without class folders', async () => {
    const missing = join(folder.path, 'nowhere');
    await expectDataError(() => loadImageFolder({ directory: missing }), 'E_NOT_FOUND', missing);
    const flat = join(folder.path, 'flat');
    mkdirSync(flat);
    await writePng(join(flat, 'a.png'), 3, 0);
    await expectDataError(() => loadImageFolder({ directory: flat }), 'E_EMPTY_CLASS', flat);
  });
});
