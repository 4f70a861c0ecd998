import { join } from 'node:path';
import { pathExists, readMaybeGzipped } from './_files';
import { checkLabels } from './_validate';
import { MNIST_IDX_DEFAULTS } from './defaults';
import { DataError } from './errors';
import type { ImageDtype } from './image-dataset';
import { type DatasetSplit, type ImageDataset, toFloat32 } from './image-dataset';

/** Element types of the IDX format (the third byte of the magic number). */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A decoded IDX file: element type, dimensions and the values in row-major order. */
export interface IdxArray {
  dataType: IdxDataType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPE_CODES: Record<number, { dataType: IdxDataType; bytes: number }> = {
  8: { dataType: 'uint8', bytes: 1 },
  9: { dataType: 'int8', bytes: 1 },
  11: { dataType: 'int16', bytes: 2 },
  12: { dataType: 'int32', bytes: 4 },
  13: { dataType: 'float32', bytes: 4 },
  14: { dataType: 'float64', bytes: 8 },
};

const CODE_OF: Record<IdxDataType, number> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Decodes an IDX file (the format of MNIST, Fashion-MNIST, EMNIST): a big-endian magic
 * number `0x0000TTDD` (T = element type, D = number of dimensions), D big-endian uint32
 * sizes, then the values, big-endian.
 *
 * @param bytes - the whole (uncompressed) file
 * @param file - the file name, for messages
 * @throws DataError `E_BAD_MAGIC` if the first two bytes are not zero or the type code is
 * unknown, `E_TRUNCATED` if the file is shorter than its header announces,
 * `E_TRAILING_DATA` if it is longer
 */
export function parseIdx(bytes: Uint8Array, file = '<buffer>'): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(
      'E_TRUNCATED',
      `parseIdx: ${file}: expected at least a 4-byte magic number, got ${bytes.length} bytes`,
      { file },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = TYPE_CODES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || bytes[3] === 0) {
    throw new DataError(
      'E_BAD_MAGIC',
      `parseIdx: ${file}: magic number ${hex(magic)} is not an IDX header (expected 0x0000TTDD with type TT in 08, 09, 0b, 0c, 0d, 0e and DD > 0 dimensions)`,
      { file },
    );
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(
      'E_TRUNCATED',
      `parseIdx: ${file}: header of ${rank} dimensions needs ${headerBytes} bytes, got ${bytes.length}`,
      { file },
    );
  }
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d);
    dims.push(size);
    count *= size;
  }
  const expected = headerBytes + count * type.bytes;
  if (bytes.length < expected) {
    throw new DataError(
      'E_TRUNCATED',
      `parseIdx: ${file}: header announces ${dims.join('x')} ${type.dataType} values (${expected} bytes in all), got ${bytes.length} bytes`,
      { file },
    );
  }
  if (bytes.length > expected) {
    throw new DataError(
      'E_TRAILING_DATA',
      `parseIdx: ${file}: header announces ${dims.join('x')} ${type.dataType} values (${expected} bytes in all), got ${bytes.length} bytes (${bytes.length - expected} extra)`,
      { file },
    );
  }
  return {
    dataType: type.dataType,
    dims,
    data: readValues(view, headerBytes, count, type.dataType),
  };
}

function readValues(
  view: DataView,
  offset: number,
  count: number,
  dataType: IdxDataType,
): IdxArray['data'] {
  switch (dataType) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i);
      return out;
    }
  }
}

/**
 * Encodes an array as an IDX file (the inverse of {@link parseIdx}), for writing datasets
 * in the MNIST format.
 * @throws DataError `E_INVALID_ARGUMENT` if the dimensions do not match the data length
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { dataType, dims, data } = array;
  const count = dims.reduce((product, size) => product * size, 1);
  if (dims.length < 1 || dims.length > 255 || count !== data.length) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `encodeIdx: dims ${JSON.stringify(dims)} need ${count} values, got ${data.length}`,
    );
  }
  const bytesPer = data.BYTES_PER_ELEMENT;
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + count * bytesPer);
  const view = new DataView(out.buffer);
  view.setUint32(0, (CODE_OF[dataType] << 8) | dims.length);
  for (const [d, size] of dims.entries()) view.setUint32(4 + 4 * d, size);
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * bytesPer;
    const value = data[i]!;
    if (dataType === 'uint8') view.setUint8(at, value);
    else if (dataType === 'int8') view.setInt8(at, value);
    else if (dataType === 'int16') view.setInt16(at, value);
    else if (dataType === 'int32') view.setInt32(at, value);
    else if (dataType === 'float32') view.setFloat32(at, value);
    else view.setFloat64(at, value);
  }
  return out;
}

/**
 * Reads and decodes an IDX file, gunzipping it first when it is gzip-compressed (detected
 * from its first bytes, whatever its name).
 * @throws DataError `E_NOT_FOUND`, `E_DECODE` (bad gzip) and the errors of {@link parseIdx}
 */
export async function readIdxFile(file: string): Promise<IdxArray> {
  return parseIdx(await readMaybeGzipped(file, 'readIdxFile'), file);
}

/** Options of {@link loadMnistIdx}. */
export interface LoadMnistIdxOptions {
  /** Path of the images file (`*-images-idx3-ubyte`, raw or `.gz`). */
  images: string;
  /** Path of the labels file (`*-labels-idx1-ubyte`, raw or `.gz`). */
  labels: string;
  /**
   * Number of classes (10 for MNIST and Fashion-MNIST, 26 or 47 for EMNIST splits).
   * @default 10
   */
  numClasses?: number;
  /** Optional class names, `numClasses` of them. */
  classNames?: string[];
  /**
   * Storage type of the images.
   * @default 'float32'
   */
  dtype?: ImageDtype;
}

/**
 * Loads one split of an MNIST-format dataset from an images file and a labels file
 * (IDX, raw or gzip). Images must be unsigned bytes of shape [n, rows, cols] (one channel)
 * or [n, rows, cols, channels]; labels unsigned bytes of shape [n].
 *
 * @example
 * ```ts
 * const train = await loadMnistIdx({
 *   images: 'mnist/train-images-idx3-ubyte.gz',
 *   labels: 'mnist/train-labels-idx1-ubyte.gz',
 * });
 * train.shape; // [60000, 28, 28, 1]
 * ```
 * @throws DataError `E_NOT_FOUND`, `E_BAD_MAGIC` (not IDX, or not an images/labels file),
 * `E_TRUNCATED`, `E_TRAILING_DATA`, `E_COUNT_MISMATCH` (images and labels disagree),
 * `E_LABEL_RANGE`, each naming the file
 */
export async function loadMnistIdx(options: LoadMnistIdxOptions): Promise<ImageDataset> {
  const { numClasses = MNIST_IDX_DEFAULTS.numClasses, dtype = MNIST_IDX_DEFAULTS.dtype } = options;
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `loadMnistIdx: numClasses must be an integer in [1, 256], got ${numClasses}`,
    );
  }
  const [images, labels] = await Promise.all([
    readIdxFile(options.images),
    readIdxFile(options.labels),
  ]);
  if (images.dataType !== 'uint8' || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new DataError(
      'E_BAD_MAGIC',
      `loadMnistIdx: ${options.images}: expected an images file (magic 0x00000803: unsigned bytes, 3 dimensions), got ${images.dataType} with ${images.dims.length} dimension(s)`,
      { file: options.images },
    );
  }
  if (labels.dataType !== 'uint8' || labels.dims.length !== 1) {
    throw new DataError(
      'E_BAD_MAGIC',
      `loadMnistIdx: ${options.labels}: expected a labels file (magic 0x00000801: unsigned bytes, 1 dimension), got ${labels.dataType} with ${labels.dims.length} dimension(s)`,
      { file: options.labels },
    );
  }
  const [n, rows, cols, channels = 1] = images.dims as [number, number, number, number?];
  if (labels.dims[0] !== n) {
    throw new DataError(
      'E_COUNT_MISMATCH',
      `loadMnistIdx: ${options.images} has ${n} images but ${options.labels} has ${labels.dims[0]} labels`,
      { file: options.labels },
    );
  }
  const labelValues = Int32Array.from(labels.data);
  checkLabels(labelValues, numClasses, 'loadMnistIdx', options.labels);
  if (options.classNames !== undefined && options.classNames.length !== numClasses) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `loadMnistIdx: expected ${numClasses} class names, got ${options.classNames.length}`,
    );
  }
  const dataset: ImageDataset = {
    images: images.data as Uint8Array,
    shape: [n, rows, cols, channels],
    labels: labelValues,
    numClasses,
  };
  if (options.classNames !== undefined) dataset.classNames = [...options.classNames];
  return dtype === 'float32' ? toFloat32(dataset) : dataset;
}

/** Options of {@link loadMnistIdxFolder}. */
export interface LoadMnistIdxFolderOptions extends Omit<LoadMnistIdxOptions, 'images' | 'labels'> {
  /** Folder with the four standard files (raw or `.gz`). */
  directory: string;
}

const STANDARD_NAMES = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
} as const;

async function findStandardFile(directory: string, names: readonly string[]): Promise<string> {
  const tried: string[] = [];
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) {
      const path = join(directory, candidate);
      if (await pathExists(path)) return path;
      tried.push(candidate);
    }
  }
  throw new DataError(
    'E_NOT_FOUND',
    `loadMnistIdxFolder: ${directory} has none of ${tried.join(', ')}`,
    { file: join(directory, names[0]!) },
  );
}

/**
 * Loads the train and test splits of an MNIST-format folder (MNIST, Fashion-MNIST), which
 * holds `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte`, each raw or `.gz` (the `.idx3-ubyte` spelling also works).
 * @throws DataError `E_NOT_FOUND` for a missing file, and the errors of {@link loadMnistIdx}
 */
export async function loadMnistIdxFolder(
  options: LoadMnistIdxFolderOptions,
): Promise<DatasetSplit> {
  const { directory, ...rest } = options;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    findStandardFile(directory, STANDARD_NAMES.trainImages),
    findStandardFile(directory, STANDARD_NAMES.trainLabels),
    findStandardFile(directory, STANDARD_NAMES.testImages),
    findStandardFile(directory, STANDARD_NAMES.testLabels),
  ]);
  const train = await loadMnistIdx({ ...rest, images: trainImages, labels: trainLabels });
  const test = await loadMnistIdx({ ...rest, images: testImages, labels: testLabels });
  return { train, test };
}
