import { DataError } from './errors';
import type { ImageDataset } from './image-dataset';

/** Validates a dataset argument; `caller` prefixes the message. Internal to the package. */
export function checkImageDataset(dataset: ImageDataset, caller: string, file?: string): void {
  const { images, shape, labels, numClasses, classNames } = dataset;
  if (!(images instanceof Float32Array || images instanceof Uint8Array)) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: images must be a Float32Array or a Uint8Array`,
      { file },
    );
  }
  if (
    !Array.isArray(shape) ||
    shape.length !== 4 ||
    !shape.every((size) => Number.isInteger(size) && size >= 0)
  ) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: shape must be [n, height, width, channels] of non-negative integers, got ${JSON.stringify(shape)}`,
      { file },
    );
  }
  const [n, height, width, channels] = shape;
  if (images.length !== n * height * width * channels) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: images has ${images.length} values, shape [${shape.join(', ')}] needs ${n * height * width * channels}`,
      { file },
    );
  }
  if (!(labels instanceof Int32Array) || labels.length !== n) {
    throw new DataError(
      'E_COUNT_MISMATCH',
      `${caller}: expected ${n} labels in an Int32Array, got ${labels instanceof Int32Array ? labels.length : typeof labels}`,
      { file },
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: numClasses must be a positive integer, got ${numClasses}`,
      { file },
    );
  }
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `${caller}: expected ${numClasses} class names, got ${classNames.length}`,
      { file },
    );
  }
  checkLabels(labels, numClasses, caller, file);
}

/** Throws `E_LABEL_RANGE` at the first label outside [0, numClasses). Internal. */
export function checkLabels(
  labels: Int32Array,
  numClasses: number,
  caller: string,
  file?: string,
): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= numClasses) {
      throw new DataError(
        'E_LABEL_RANGE',
        `${caller}: ${file === undefined ? '' : `${file}: `}label of sample ${i} is ${label}, expected an integer in [0, ${numClasses - 1}]`,
        { file },
      );
    }
  }
}
