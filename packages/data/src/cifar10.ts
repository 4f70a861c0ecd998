import { join } from 'node:path';
import { listFolder, pathExists, readFileOrThrow } from './_files';
import { CIFAR10_DEFAULTS } from './defaults';
import { DataError } from './errors';
import type { ImageDtype } from './image-dataset';
import { type DatasetSplit, type ImageDataset, toFloat32, toUint8 } from './image-dataset';

/** The CIFAR-10 classes, in label order (as in `batches.meta.txt`). */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const IMAGE_BYTES = 3 * PLANE;
const RECORD_BYTES = 1 + IMAGE_BYTES;
const NUM_CLASSES = 10;

/** One decoded CIFAR-10 binary batch: HWC images and labels. */
export interface Cifar10Batch {
  /** `n * 32 * 32 * 3` bytes, NHWC (converted from the file's CHW planes). */
  images: Uint8Array;
  labels: Int32Array;
}

/**
 * Decodes a CIFAR-10 binary batch (`data_batch_N.bin`, `test_batch.bin`): records of one
 * label byte followed by 3072 image bytes, the red, green and blue 32x32 planes (row-major).
 * Converts the planes to HWC order.
 *
 * @throws DataError `E_TRUNCATED` if the size is not a positive multiple of 3073 bytes,
 * `E_LABEL_RANGE` for a label byte above 9
 */
export function parseCifar10Batch(bytes: Uint8Array, file = '<buffer>'): Cifar10Batch {
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new DataError(
      'E_TRUNCATED',
      `parseCifar10Batch: ${file}: expected a positive multiple of ${RECORD_BYTES} bytes (1 label + 3072 pixels per record), got ${bytes.length} bytes (${Math.floor(bytes.length / RECORD_BYTES)} whole records and ${bytes.length % RECORD_BYTES} bytes left over)`,
      { file },
    );
  }
  const n = bytes.length / RECORD_BYTES;
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const record = i * RECORD_BYTES;
    const label = bytes[record]!;
    if (label >= NUM_CLASSES) {
      throw new DataError(
        'E_LABEL_RANGE',
        `parseCifar10Batch: ${file}: label of record ${i} is ${label}, expected an integer in [0, 9] (is this a CIFAR-100 file? it has 2 label bytes per record)`,
        { file },
      );
    }
    labels[i] = label;
    const pixels = record + 1;
    const out = i * IMAGE_BYTES;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = bytes[pixels + p]!;
      images[out + 3 * p + 1] = bytes[pixels + PLANE + p]!;
      images[out + 3 * p + 2] = bytes[pixels + 2 * PLANE + p]!;
    }
  }
  return { images, labels };
}

/**
 * Encodes a 32x32x3 dataset as a CIFAR-10 binary batch (the inverse of
 * {@link parseCifar10Batch}); float images are converted with {@link toUint8}.
 * @throws DataError `E_INVALID_ARGUMENT` for other image sizes or labels above 255
 */
export function encodeCifar10Batch(dataset: ImageDataset): Uint8Array {
  const [n, height, width, channels] = dataset.shape;
  if (height !== SIDE || width !== SIDE || channels !== 3) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `encodeCifar10Batch: expected 32x32x3 images, got ${height}x${width}x${channels}`,
    );
  }
  const images = toUint8(dataset).images;
  const out = new Uint8Array(n * RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    const label = dataset.labels[i]!;
    if (label < 0 || label > 255) {
      throw new DataError(
        'E_INVALID_ARGUMENT',
        `encodeCifar10Batch: label of sample ${i} is ${label}, expected a byte`,
      );
    }
    const record = i * RECORD_BYTES;
    out[record] = label;
    const source = i * IMAGE_BYTES;
    for (let p = 0; p < PLANE; p++) {
      for (let c = 0; c < 3; c++) out[record + 1 + c * PLANE + p] = images[source + 3 * p + c]!;
    }
  }
  return out;
}

/** Options of {@link loadCifar10Batches}. */
export interface LoadCifar10BatchesOptions {
  /** Batch files, read in this order and concatenated. */
  files: string[];
  /**
   * Storage type of the images.
   * @default 'float32'
   */
  dtype?: ImageDtype;
  /**
   * Class names.
   * @default CIFAR10_CLASS_NAMES
   */
  classNames?: string[];
}

/**
 * Loads and concatenates CIFAR-10 binary batch files into one 32x32x3 dataset.
 * @throws DataError `E_NOT_FOUND` and the errors of {@link parseCifar10Batch}, naming the file
 */
export async function loadCifar10Batches(
  options: LoadCifar10BatchesOptions,
): Promise<ImageDataset> {
  const { files, dtype = CIFAR10_DEFAULTS.dtype } = options;
  const classNames = options.classNames ?? [...CIFAR10_CLASS_NAMES];
  if (files.length === 0) {
    throw new DataError('E_INVALID_ARGUMENT', 'loadCifar10Batches: expected at least one file');
  }
  if (classNames.length !== NUM_CLASSES) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `loadCifar10Batches: expected 10 class names, got ${classNames.length}`,
    );
  }
  const batches: Cifar10Batch[] = [];
  for (const file of files) {
    batches.push(parseCifar10Batch(await readFileOrThrow(file, 'loadCifar10Batches'), file));
  }
  const n = batches.reduce((sum, batch) => sum + batch.labels.length, 0);
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Int32Array(n);
  let offset = 0;
  for (const batch of batches) {
    images.set(batch.images, offset * IMAGE_BYTES);
    labels.set(batch.labels, offset);
    offset += batch.labels.length;
  }
  const dataset: ImageDataset = {
    images,
    shape: [n, SIDE, SIDE, 3],
    labels,
    numClasses: NUM_CLASSES,
    classNames: [...classNames],
  };
  return dtype === 'float32' ? toFloat32(dataset) : dataset;
}

/** Options of {@link loadCifar10}. */
export interface LoadCifar10Options {
  /**
   * The `cifar-10-batches-bin` folder (or a folder that contains it), holding
   * `data_batch_1.bin` ... `data_batch_5.bin`, `test_batch.bin` and optionally
   * `batches.meta.txt`.
   */
  directory: string;
  /**
   * Storage type of the images.
   * @default 'float32'
   */
  dtype?: ImageDtype;
}

/**
 * Loads the CIFAR-10 binary version: every `data_batch_N.bin` (in order of N) as `train`,
 * `test_batch.bin` as `test`. Class names come from `batches.meta.txt` when present.
 *
 * @example
 * ```ts
 * const { train, test } = await loadCifar10({ directory: 'data/cifar-10-batches-bin' });
 * train.shape; // [50000, 32, 32, 3]
 * ```
 * @throws DataError `E_NOT_FOUND` when no training batch or no test batch exists, `E_PARSE`
 * for a `batches.meta.txt` without 10 names, and the errors of {@link parseCifar10Batch}
 */
export async function loadCifar10(options: LoadCifar10Options): Promise<DatasetSplit> {
  let directory = options.directory;
  const nested = join(directory, 'cifar-10-batches-bin');
  if (await pathExists(nested)) directory = nested;
  const entries = await listFolder(directory, 'loadCifar10');
  const trainFiles = entries
    .filter((entry) => entry.isFile && /^data_batch_\d+\.bin$/.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => batchNumber(a) - batchNumber(b))
    .map((name) => join(directory, name));
  if (trainFiles.length === 0) {
    throw new DataError(
      'E_NOT_FOUND',
      `loadCifar10: ${directory} has no data_batch_N.bin file (expected the binary version, cifar-10-binary.tar.gz)`,
      { file: join(directory, 'data_batch_1.bin') },
    );
  }
  const testFile = join(directory, 'test_batch.bin');
  if (!entries.some((entry) => entry.name === 'test_batch.bin')) {
    throw new DataError('E_NOT_FOUND', `loadCifar10: test batch not found: ${testFile}`, {
      file: testFile,
    });
  }
  let classNames = [...CIFAR10_CLASS_NAMES];
  const metaFile = join(directory, 'batches.meta.txt');
  if (entries.some((entry) => entry.name === 'batches.meta.txt')) {
    const text = (await readFileOrThrow(metaFile, 'loadCifar10')).toString('utf8');
    const names = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    if (names.length !== NUM_CLASSES) {
      throw new DataError(
        'E_PARSE',
        `loadCifar10: ${metaFile}: expected 10 class names (one per line), got ${names.length}`,
        { file: metaFile },
      );
    }
    classNames = names;
  }
  const common = { dtype: options.dtype ?? CIFAR10_DEFAULTS.dtype, classNames };
  const train = await loadCifar10Batches({ ...common, files: trainFiles });
  const test = await loadCifar10Batches({ ...common, files: [testFile] });
  return { train, test };
}

function batchNumber(name: string): number {
  return Number(/\d+/.exec(name)?.[0] ?? 0);
}
