import { join } from 'node:path';
import { decodeAll, type PixelRegion, type ResizeFit, resolveSize } from './_decode-image';
import { listFolder, pathExists, readFileOrThrow } from './_files';
import { GTSRB_DEFAULTS, GTSRB_NUM_CLASSES } from './defaults';
import { DataError } from './errors';
import type { ImageDtype } from './image-dataset';
import { type DatasetSplit, type ImageDataset, toFloat32 } from './image-dataset';

/** One line of a GTSRB ground-truth CSV (`GT-000NN.csv`, `GT-final_test.csv`). */
export interface GtsrbAnnotation {
  /** Image file name, relative to the CSV's folder. */
  filename: string;
  width: number;
  height: number;
  /** Region of interest: first and last column and row of the sign, inclusive. */
  roi: { x1: number; y1: number; x2: number; y2: number };
  /** Class id; `undefined` in the unlabelled test CSV. */
  classId: number | undefined;
}

const COLUMNS = ['Filename', 'Width', 'Height', 'Roi.X1', 'Roi.Y1', 'Roi.X2', 'Roi.Y2'] as const;

/**
 * Parses a GTSRB annotation CSV: a header line, then one `;`-separated line per image with
 * `Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId` (columns found by name;
 * `ClassId` may be absent, as in the unlabelled test CSV).
 *
 * @throws DataError `E_PARSE` for a missing column or a malformed line, naming file and line
 */
export function parseGtsrbCsv(text: string, file = '<text>'): GtsrbAnnotation[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(';');
  const column = (name: string): number => header.indexOf(name);
  for (const name of COLUMNS) {
    if (column(name) < 0) {
      throw new DataError(
        'E_PARSE',
        `parseGtsrbCsv: ${file}: header has no "${name}" column (expected ${[...COLUMNS, 'ClassId'].join(';')}, got ${header.join(';')})`,
        { file },
      );
    }
  }
  const classColumn = column('ClassId');
  const annotations: GtsrbAnnotation[] = [];
  for (let line = 1; line < lines.length; line++) {
    const text = lines[line]!;
    if (text.trim() === '') continue;
    const cells = text.split(';');
    if (cells.length !== header.length) {
      throw new DataError(
        'E_PARSE',
        `parseGtsrbCsv: ${file}: line ${line + 1} has ${cells.length} fields, expected ${header.length}`,
        { file },
      );
    }
    const integer = (name: string, index: number): number => {
      const cell = cells[index]!.trim();
      if (!/^\d+$/.test(cell)) {
        throw new DataError(
          'E_PARSE',
          `parseGtsrbCsv: ${file}: line ${line + 1}: ${name} must be a non-negative integer, got "${cell}"`,
          { file },
        );
      }
      return Number(cell);
    };
    const filename = cells[column('Filename')]!.trim();
    if (filename === '') {
      throw new DataError('E_PARSE', `parseGtsrbCsv: ${file}: line ${line + 1}: empty Filename`, {
        file,
      });
    }
    annotations.push({
      filename,
      width: integer('Width', column('Width')),
      height: integer('Height', column('Height')),
      roi: {
        x1: integer('Roi.X1', column('Roi.X1')),
        y1: integer('Roi.Y1', column('Roi.Y1')),
        x2: integer('Roi.X2', column('Roi.X2')),
        y2: integer('Roi.Y2', column('Roi.Y2')),
      },
      classId: classColumn < 0 ? undefined : integer('ClassId', classColumn),
    });
  }
  return annotations;
}

/** Options of the GTSRB loaders. */
export interface LoadGtsrbOptions {
  /**
   * The GTSRB root: the folder holding `Final_Training/Images` (and `Final_Test/Images`), or
   * a folder holding `GTSRB/` (as the official zips extract).
   */
  directory: string;
  /**
   * Output size: a side (square images) or `[height, width]`.
   * @default 32
   */
  size?: number | [height: number, width: number];
  /**
   * Crop each image to its annotated region of interest before resizing.
   * @default true
   */
  cropRoi?: boolean;
  /**
   * Resize rule (see {@link LoadImageFolderOptions.fit}).
   * @default 'fill'
   */
  fit?: ResizeFit;
  /**
   * Test ground truth (`GT-final_test.csv`, distributed separately as
   * `GTSRB_Final_Test_GT.zip`). By default looked for in `Final_Test/Images` and the root.
   */
  testCsv?: string;
  /**
   * Number of classes; class ids must be below it.
   * @default 43
   */
  numClasses?: number;
  /**
   * Storage type of the images.
   * @default 'float32'
   */
  dtype?: ImageDtype;
  /**
   * Images decoded at the same time.
   * @default 4
   */
  concurrency?: number;
}

async function firstExisting(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if (await pathExists(candidate)) return candidate;
  return undefined;
}

interface Sample {
  file: string;
  label: number;
  region?: (width: number, height: number) => PixelRegion;
}

function toSamples(
  annotations: GtsrbAnnotation[],
  folder: string,
  csv: string,
  options: LoadGtsrbOptions,
  caller: string,
): Sample[] {
  const numClasses = options.numClasses ?? GTSRB_NUM_CLASSES;
  const cropRoi = options.cropRoi ?? GTSRB_DEFAULTS.cropRoi;
  return annotations.map((annotation, index) => {
    const file = join(folder, annotation.filename);
    const { classId } = annotation;
    if (classId === undefined) {
      throw new DataError(
        'E_PARSE',
        `${caller}: ${csv}: no ClassId column (this is the unlabelled test CSV; use GT-final_test.csv from GTSRB_Final_Test_GT.zip)`,
        { file: csv },
      );
    }
    if (classId >= numClasses) {
      throw new DataError(
        'E_LABEL_RANGE',
        `${caller}: ${csv}: ClassId of ${annotation.filename} (row ${index + 1}) is ${classId}, expected an integer in [0, ${numClasses - 1}]`,
        { file: csv },
      );
    }
    const sample: Sample = { file, label: classId };
    if (cropRoi) {
      sample.region = (width, height) => {
        const { x1, y1, x2, y2 } = annotation.roi;
        if (width !== annotation.width || height !== annotation.height) {
          throw new DataError(
            'E_DECODE',
            `${caller}: ${file}: image is ${width}x${height}, ${csv} says ${annotation.width}x${annotation.height}`,
            { file },
          );
        }
        if (x1 > x2 || y1 > y2 || x2 >= width || y2 >= height) {
          throw new DataError(
            'E_PARSE',
            `${caller}: ${csv}: ROI (${x1}, ${y1})-(${x2}, ${y2}) of ${annotation.filename} is not inside its ${width}x${height} image`,
            { file: csv },
          );
        }
        return { left: x1, top: y1, width: x2 - x1 + 1, height: y2 - y1 + 1 };
      };
    }
    return sample;
  });
}

async function decodeSamples(
  samples: Sample[],
  options: LoadGtsrbOptions,
  caller: string,
): Promise<ImageDataset> {
  const [height, width] = resolveSize(options.size ?? GTSRB_DEFAULTS.size, caller);
  const images = await decodeAll(
    samples,
    {
      height,
      width,
      channels: 3,
      fit: options.fit ?? GTSRB_DEFAULTS.fit,
      concurrency: options.concurrency ?? GTSRB_DEFAULTS.concurrency,
    },
    caller,
  );
  const dataset: ImageDataset = {
    images,
    shape: [samples.length, height, width, 3],
    labels: Int32Array.from(samples, (sample) => sample.label),
    numClasses: options.numClasses ?? GTSRB_NUM_CLASSES,
  };
  return (options.dtype ?? GTSRB_DEFAULTS.dtype) === 'float32' ? toFloat32(dataset) : dataset;
}

/**
 * Loads the GTSRB training set in its official layout:
 * `Final_Training/Images/000NN/GT-000NN.csv` plus the PPM images of class NN, cropped to the
 * annotated region of interest (inclusive corners) and resized. Samples are ordered by class
 * folder, then CSV line.
 *
 * @throws DataError `E_NOT_FOUND` (no `Final_Training/Images`, or a class folder without its
 * `GT-000NN.csv`), `E_EMPTY_CLASS` (a CSV without images), `E_PARSE`, `E_LABEL_RANGE`,
 * `E_DECODE`, `E_TRUNCATED` (a cut-off PPM), each naming the file
 */
export async function loadGtsrbTraining(options: LoadGtsrbOptions): Promise<ImageDataset> {
  const caller = 'loadGtsrbTraining';
  const { directory } = options;
  const root = await firstExisting([
    join(directory, 'Final_Training', 'Images'),
    join(directory, 'GTSRB', 'Final_Training', 'Images'),
  ]);
  if (root === undefined) {
    throw new DataError(
      'E_NOT_FOUND',
      `${caller}: folder not found: ${join(directory, 'Final_Training', 'Images')} (expected the official GTSRB layout in ${directory})`,
      { file: join(directory, 'Final_Training', 'Images') },
    );
  }
  const classFolders = (await listFolder(root, caller)).filter(
    (entry) => entry.isDirectory && /^\d{5}$/.test(entry.name),
  );
  if (classFolders.length === 0) {
    throw new DataError(
      'E_EMPTY_CLASS',
      `${caller}: ${root} has no class folder (00000 ... 00042)`,
      { file: root },
    );
  }
  const samples: Sample[] = [];
  for (const { name } of classFolders) {
    const folder = join(root, name);
    const csv = join(folder, `GT-${name}.csv`);
    const annotations = parseGtsrbCsv((await readFileOrThrow(csv, caller)).toString('utf8'), csv);
    if (annotations.length === 0) {
      throw new DataError('E_EMPTY_CLASS', `${caller}: ${csv} lists no image`, { file: csv });
    }
    samples.push(...toSamples(annotations, folder, csv, options, caller));
  }
  return decodeSamples(samples, options, caller);
}

/**
 * Loads the GTSRB test set: the PPM images of `Final_Test/Images` labelled by
 * `GT-final_test.csv` (see {@link LoadGtsrbOptions.testCsv}), in CSV order.
 * @throws DataError `E_NOT_FOUND` when the images folder or the ground-truth CSV is missing,
 * and the errors of {@link loadGtsrbTraining}
 */
export async function loadGtsrbTest(options: LoadGtsrbOptions): Promise<ImageDataset> {
  const caller = 'loadGtsrbTest';
  const { directory } = options;
  const images = await firstExisting([
    join(directory, 'Final_Test', 'Images'),
    join(directory, 'GTSRB', 'Final_Test', 'Images'),
  ]);
  if (images === undefined) {
    throw new DataError(
      'E_NOT_FOUND',
      `${caller}: folder not found: ${join(directory, 'Final_Test', 'Images')} (expected the official GTSRB layout in ${directory})`,
      { file: join(directory, 'Final_Test', 'Images') },
    );
  }
  const csv =
    options.testCsv ??
    (await firstExisting([
      join(images, 'GT-final_test.csv'),
      join(directory, 'GT-final_test.csv'),
      join(directory, 'GTSRB', 'GT-final_test.csv'),
    ]));
  if (csv === undefined) {
    throw new DataError(
      'E_NOT_FOUND',
      `${caller}: GT-final_test.csv not found in ${images} or ${directory} (it comes separately, in GTSRB_Final_Test_GT.zip; or pass testCsv)`,
      { file: join(images, 'GT-final_test.csv') },
    );
  }
  const annotations = parseGtsrbCsv((await readFileOrThrow(csv, caller)).toString('utf8'), csv);
  if (annotations.length === 0) {
    throw new DataError('E_EMPTY_CLASS', `${caller}: ${csv} lists no image`, { file: csv });
  }
  return decodeSamples(toSamples(annotations, images, csv, options, caller), options, caller);
}

/**
 * Loads GTSRB's official training and test sets (see {@link loadGtsrbTraining} and
 * {@link loadGtsrbTest}), 32x32x3 by default as in the paper.
 *
 * @example
 * ```ts
 * const { train, test } = await loadGtsrb({ directory: 'data/GTSRB' });
 * train.shape; // [39209, 32, 32, 3]
 * ```
 */
export async function loadGtsrb(options: LoadGtsrbOptions): Promise<DatasetSplit> {
  const train = await loadGtsrbTraining(options);
  const test = await loadGtsrbTest(options);
  return { train, test };
}
