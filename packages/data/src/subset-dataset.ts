import { DataError } from './errors';
import type { ImageDataset } from './image-dataset';

/**
 * The samples of `dataset` at `indices`, in that order (indices may repeat), copied into new
 * arrays. Class count and names are kept.
 *
 * @example
 * ```ts
 * subsetDataset(dataset, [3, 1, 4]).labels; // Int32Array [label 3, label 1, label 4]
 * ```
 * @throws DataError `E_INVALID_ARGUMENT` for an index that is not an integer in [0, n)
 */
export function subsetDataset(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const [n, height, width, channels] = dataset.shape;
  const size = height * width * channels;
  const count = indices.length;
  const source = dataset.images;
  const images =
    source instanceof Float32Array ? new Float32Array(count * size) : new Uint8Array(count * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new DataError(
        'E_INVALID_ARGUMENT',
        `subsetDataset: indices[${i}] must be an integer in [0, ${n - 1}], got ${index}`,
      );
    }
    images.set(source.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = dataset.labels[index]!;
  }
  return withSamples(dataset, images, labels, [count, height, width, channels]);
}

/** A dataset like `template` (classes, names) with other samples. */
function withSamples(
  template: ImageDataset,
  images: Float32Array | Uint8Array,
  labels: Int32Array,
  shape: [number, number, number, number],
): ImageDataset {
  const result: ImageDataset = { images, shape, labels, numClasses: template.numClasses };
  if (template.classNames !== undefined) result.classNames = [...template.classNames];
  return result;
}
