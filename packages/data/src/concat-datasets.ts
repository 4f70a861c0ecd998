import { DataError } from './errors';
import { type ImageDataset, toFloat32 } from './image-dataset';

/**
 * The samples of all `datasets`, one after the other, in new arrays. Images must have the
 * same height, width and channels. If the storage types differ, the result is float32
 * (see {@link toFloat32}). `numClasses` is the largest of the inputs; class names are kept
 * when every dataset that has them has the same ones.
 *
 * @throws DataError `E_INVALID_ARGUMENT` for an empty list, `E_SHAPE_MISMATCH` for different
 * image sizes or class names
 */
export function concatDatasets(datasets: readonly ImageDataset[]): ImageDataset {
  const first = datasets[0];
  if (first === undefined) {
    throw new DataError('E_INVALID_ARGUMENT', 'concatDatasets: expected at least one dataset');
  }
  const [, height, width, channels] = first.shape;
  let total = 0;
  let numClasses = 0;
  let classNames: string[] | undefined;
  for (const [index, dataset] of datasets.entries()) {
    const [n, h, w, c] = dataset.shape;
    if (h !== height || w !== width || c !== channels) {
      throw new DataError(
        'E_SHAPE_MISMATCH',
        `concatDatasets: dataset ${index} has images of ${h}x${w}x${c}, dataset 0 has ${height}x${width}x${channels}`,
      );
    }
    if (dataset.classNames !== undefined) {
      if (classNames === undefined) classNames = dataset.classNames;
      else if (classNames.join('\u0000') !== dataset.classNames.join('\u0000')) {
        throw new DataError(
          'E_SHAPE_MISMATCH',
          `concatDatasets: dataset ${index} has class names [${dataset.classNames.join(', ')}], expected [${classNames.join(', ')}]`,
        );
      }
    }
    total += n;
    numClasses = Math.max(numClasses, dataset.numClasses);
  }
  const allUint8 = datasets.every((dataset) => dataset.images instanceof Uint8Array);
  const size = height * width * channels;
  const images = allUint8 ? new Uint8Array(total * size) : new Float32Array(total * size);
  const labels = new Int32Array(total);
  let offset = 0;
  for (const dataset of datasets) {
    const source = allUint8 ? dataset.images : toFloat32(dataset).images;
    images.set(source, offset * size);
    labels.set(dataset.labels, offset);
    offset += dataset.shape[0];
  }
  const result: ImageDataset = {
    images,
    shape: [total, height, width, channels],
    labels,
    numClasses,
  };
  if (classNames !== undefined && classNames.length === numClasses) {
    result.classNames = [...classNames];
  }
  return result;
}
