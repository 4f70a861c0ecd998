import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempFolder, expectDataError, ppm } from './_test-helpers';
import { loadGtsrb, loadGtsrbTest, loadGtsrbTraining, parseGtsrbCsv } from './gtsrb';

let folder: { path: string; remove: () => void };
beforeAll(() => {
  folder = createTempFolder();
});
afterAll(() => folder.remove());

const HEADER = 'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId';

/** A width x height RGB image whose sample (y, x, c) is 40 * y + 5 * x + c + seed. */
function pixels(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = 40 * y + 5 * x + c + seed;
    }
  }
  return out;
}

/** The expected RGB bytes of the inclusive crop (x1, y1)-(x2, y2) of `pixels(.., seed)`. */
function crop(x1: number, y1: number, x2: number, y2: number, seed: number): number[] {
  const out: number[] = [];
  for (let y = y1; y <= y2; y++) {
    for (let x = x1; x <= x2; x++) for (let c = 0; c < 3; c++) out.push(40 * y + 5 * x + c + seed);
  }
  return out;
}

/**
 * Writes a small GTSRB tree: class 00000 with two 6x5 images, class 00002 with one, each ROI
 * 3 wide and 2 high; a test folder with one image of class 2 and its GT-final_test.csv.
 */
function writeGtsrb(root: string): void {
  const training = join(root, 'Final_Training', 'Images');
  const class0 = join(training, '00000');
  const class2 = join(training, '00002');
  mkdirSync(class0, { recursive: true });
  mkdirSync(class2, { recursive: true });
  writeFileSync(join(class0, '00000_00000.ppm'), ppm(6, 5, pixels(6, 5, 0)));
  writeFileSync(join(class0, '00000_00001.ppm'), ppm(6, 5, pixels(6, 5, 1)));
  writeFileSync(
    join(class0, 'GT-00000.csv'),
    `${HEADER}\n00000_00000.ppm;6;5;1;1;3;2;0\n00000_00001.ppm;6;5;2;2;4;3;0\n`,
  );
  writeFileSync(join(class2, '00002_00000.ppm'), ppm(6, 5, pixels(6, 5, 2)));
  writeFileSync(join(class2, 'GT-00002.csv'), `${HEADER}\r\n00002_00000.ppm;6;5;0;0;2;1;2\r\n`);
  const test = join(root, 'Final_Test', 'Images');
  mkdirSync(test, { recursive: true });
  writeFileSync(join(test, '00000.ppm'), ppm(6, 5, pixels(6, 5, 3)));
  writeFileSync(join(test, 'GT-final_test.csv'), `${HEADER}\n00000.ppm;6;5;3;3;5;4;2\n`);
}

function freshTree(name: string): string {
  const root = join(folder.path, name);
  rmSync(root, { recursive: true, force: true });
  writeGtsrb(root);
  return root;
}

describe('parseGtsrbCsv', () => {
  it('reads the official columns', () => {
    expect(parseGtsrbCsv(`${HEADER}\na.ppm;29;30;5;6;24;25;17\n`)).toEqual([
      {
        filename: 'a.ppm',
        width: 29,
        height: 30,
        roi: { x1: 5, y1: 6, x2: 24, y2: 25 },
        classId: 17,
      },
    ]);
  });

  it('rejects a missing column and a malformed line, naming file and line', async () => {
    await expectDataError(
      () => parseGtsrbCsv('Filename;Width\na;1\n', 'GT-x.csv'),
      'E_PARSE',
      'GT-x.csv',
    );
    const error = await expectDataError(
      () => parseGtsrbCsv(`${HEADER}\na.ppm;29;30;5;6;24;x;1\n`, 'GT-y.csv'),
      'E_PARSE',
      'GT-y.csv',
    );
    expect(error.message).toContain('line 2: Roi.Y2 must be a non-negative integer, got "x"');
  });
});

describe('loadGtsrb', () => {
  it('crops each region of interest and reads PPM pixels exactly', async () => {
    const root = freshTree('valid');
    const { train, test } = await loadGtsrb({ directory: root, size: [2, 3], dtype: 'uint8' });
    expect(train.shape).toEqual([3, 2, 3, 3]);
    expect(train.numClasses).toBe(43);
    expect([...train.labels]).toEqual([0, 0, 2]);
    expect([...train.images.subarray(0, 18)]).toEqual(crop(1, 1, 3, 2, 0));
    expect([...train.images.subarray(18, 36)]).toEqual(crop(2, 2, 4, 3, 1));
    expect([...train.images.subarray(36, 54)]).toEqual(crop(0, 0, 2, 1, 2));
    expect([...test.labels]).toEqual([2]);
    expect([...test.images]).toEqual(crop(3, 3, 5, 4, 3));
  });

  it('resizes to the requested size and keeps whole images without ROI crop', async () => {
    const root = freshTree('resize');
    const train = await loadGtsrbTraining({ directory: root, size: 4 });
    expect(train.shape).toEqual([3, 4, 4, 3]);
    expect(train.images).toBeInstanceOf(Float32Array);
    const whole = await loadGtsrbTraining({
      directory: root,
      size: [5, 6],
      cropRoi: false,
      dtype: 'uint8',
    });
    expect([...whole.images.subarray(0, 90)]).toEqual([...pixels(6, 5, 0)]);
  });

  it('names the missing GT csv of a class folder', async () => {
    const root = freshTree('missing-csv');
    const csv = join(root, 'Final_Training', 'Images', '00002', 'GT-00002.csv');
    rmSync(csv);
    await expectDataError(() => loadGtsrbTraining({ directory: root }), 'E_NOT_FOUND', csv);
  });

  it('rejects a class id out of range, naming the csv', async () => {
    const root = freshTree('class-range');
    const csv = join(root, 'Final_Training', 'Images', '00002', 'GT-00002.csv');
    writeFileSync(csv, `${HEADER}\n00002_00000.ppm;6;5;0;0;2;1;43\n`);
    const error = await expectDataError(
      () => loadGtsrbTraining({ directory: root }),
      'E_LABEL_RANGE',
      csv,
    );
    expect(error.message).toContain('is 43, expected an integer in [0, 42]');
  });

  it('names a truncated PPM image', async () => {
    const root = freshTree('truncated');
    const image = join(root, 'Final_Training', 'Images', '00000', '00000_00001.ppm');
    writeFileSync(image, ppm(6, 5, pixels(6, 5, 1)).subarray(0, 40));
    const error = await expectDataError(
      () => loadGtsrbTraining({ directory: root }),
      'E_TRUNCATED',
      image,
    );
    expect(error.message).toContain('expected 90 pixel bytes');
  });

  it('names an image that cannot be decoded', async () => {
    const root = freshTree('undecodable');
    const image = join(root, 'Final_Training', 'Images', '00002', '00002_00000.ppm');
    writeFileSync(image, 'this is not an image');
    await expectDataError(() => loadGtsrbTraining({ directory: root }), 'E_DECODE', image);
  });

  it('rejects an image whose size differs from its csv line, and a ROI outside the image', async () => {
    const root = freshTree('mismatch');
    const csv = join(root, 'Final_Training', 'Images', '00002', 'GT-00002.csv');
    writeFileSync(csv, `${HEADER}\n00002_00000.ppm;7;5;0;0;2;1;2\n`);
    await expectDataError(
      () => loadGtsrbTraining({ directory: root }),
      'E_DECODE',
      join(root, 'Final_Training', 'Images', '00002', '00002_00000.ppm'),
    );
    writeFileSync(csv, `${HEADER}\n00002_00000.ppm;6;5;0;0;6;1;2\n`);
    await expectDataError(() => loadGtsrbTraining({ directory: root }), 'E_PARSE', csv);
  });

  it('rejects a csv that lists no image', async () => {
    const root = freshTree('empty-class');
    const csv = join(root, 'Final_Training', 'Images', '00002', 'GT-00002.csv');
    writeFileSync(csv, `${HEADER}\n`);
    await expectDataError(() => loadGtsrbTraining({ directory: root }), 'E_EMPTY_CLASS', csv);
  });

  it('explains where the test ground truth comes from when it is missing', async () => {
    const root = freshTree('no-test-gt');
    rmSync(join(root, 'Final_Test', 'Images', 'GT-final_test.csv'));
    const error = await expectDataError(() => loadGtsrbTest({ directory: root }), 'E_NOT_FOUND');
    expect(error.message).toContain('GTSRB_Final_Test_GT.zip');
  });

  it('names the folder when the layout is not GTSRB', async () => {
    const root = join(folder.path, 'not-gtsrb');
    mkdirSync(root);
    await expectDataError(
      () => loadGtsrbTraining({ directory: root }),
      'E_NOT_FOUND',
      join(root, 'Final_Training', 'Images'),
    );
  });
});
