import { z } from 'zod';
import {
  BLOBS_DATASET_DEFAULTS,
  CIFAR10_DEFAULTS,
  EMBEDDED_MNIST_DEFAULTS,
  GAUSSIAN_BLOBS_DEFAULTS,
  GTSRB_DEFAULTS,
  IMAGE_FOLDER_DEFAULTS,
  MNIST_IDX_DEFAULTS,
} from './defaults';

/** Storage type of loaded images. */
const dtypeSchema = z.enum(['float32', 'uint8']);

const sideSchema = z.number().int().positive();

/** Output size: a side (square images) or `[height, width]`. */
const sizeSchema = z.union([sideSchema, z.tuple([sideSchema, sideSchema])]);

/** How an image is fitted to the output size. */
const fitSchema = z.enum(['fill', 'cover', 'contain']);

const fractionSchema = z.number().min(0).max(1);

const pathSchema = z.string().min(1);

/** `{ type: 'embedded-mnist' }`: the 10,000 MNIST digits shipped with the `mnist` package. */
export const embeddedMnistDatasetSchema = z.strictObject({
  type: z.literal('embedded-mnist'),
  /** Fraction of each digit (its last samples) used as test set. */
  testFraction: fractionSchema.default(EMBEDDED_MNIST_DEFAULTS.testFraction),
  /** Storage type of the images. */
  dtype: dtypeSchema.default(EMBEDDED_MNIST_DEFAULTS.dtype),
});

/** `{ type: 'mnist-idx', directory }`: a folder with the four MNIST IDX files (raw or .gz). */
export const mnistIdxDatasetSchema = z.strictObject({
  type: z.literal('mnist-idx'),
  /** Folder with `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-*` (or `.gz`). */
  directory: pathSchema,
  /** Number of classes; labels must be below it. */
  numClasses: z.number().int().min(1).max(256).default(MNIST_IDX_DEFAULTS.numClasses),
  /** Class names, `numClasses` of them. */
  classNames: z.array(z.string()).optional(),
  /** Storage type of the images. */
  dtype: dtypeSchema.default(MNIST_IDX_DEFAULTS.dtype),
});

/** `{ type: 'cifar10', directory }`: the CIFAR-10 binary version. */
export const cifar10DatasetSchema = z.strictObject({
  type: z.literal('cifar10'),
  /** The `cifar-10-batches-bin` folder, or the folder that contains it. */
  directory: pathSchema,
  /** Storage type of the images. */
  dtype: dtypeSchema.default(CIFAR10_DEFAULTS.dtype),
});

/** `{ type: 'gtsrb', directory }`: GTSRB in its official layout. */
export const gtsrbDatasetSchema = z.strictObject({
  type: z.literal('gtsrb'),
  /** The GTSRB root (holding `Final_Training/Images`, `Final_Test/Images`). */
  directory: pathSchema,
  /** Output size. */
  size: sizeSchema.default(GTSRB_DEFAULTS.size),
  /** Crop each image to its annotated region of interest before resizing. */
  cropRoi: z.boolean().default(GTSRB_DEFAULTS.cropRoi),
  /** Resize rule. */
  fit: fitSchema.default(GTSRB_DEFAULTS.fit),
  /** Test ground truth `GT-final_test.csv` (default: looked for in the usual places). */
  testCsv: pathSchema.optional(),
  /** Split the training set instead of reading the official test set. */
  testFraction: fractionSchema.optional(),
  /** Seed of that split (default: the last samples of each class are the test ones). */
  seed: z.number().int().optional(),
  /** Number of classes; class ids must be below it. */
  numClasses: z.number().int().positive().default(GTSRB_DEFAULTS.numClasses),
  /** Storage type of the images. */
  dtype: dtypeSchema.default(GTSRB_DEFAULTS.dtype),
  /** Images decoded at the same time. */
  concurrency: z.number().int().positive().default(GTSRB_DEFAULTS.concurrency),
});

/** `{ type: 'image-folder', train, test? }`: labelled image folders (PNG, JPEG). */
export const imageFolderDatasetSchema = z.strictObject({
  type: z.literal('image-folder'),
  /** Training folder. */
  train: pathSchema,
  /** Test folder (default: split the training folder by `testFraction`). */
  test: pathSchema.optional(),
  /** Fraction of each class moved to the test set when there is no test folder (0.2 then). */
  testFraction: fractionSchema.optional(),
  /** Seed of that split (default: the last samples of each class are the test ones). */
  seed: z.number().int().optional(),
  /** Output size. */
  size: sizeSchema.default(IMAGE_FOLDER_DEFAULTS.size),
  /** Output channels: 3 (RGB) or 1 (grey). */
  channels: z.union([z.literal(1), z.literal(3)]).default(IMAGE_FOLDER_DEFAULTS.channels),
  /** Resize rule. */
  fit: fitSchema.default(IMAGE_FOLDER_DEFAULTS.fit),
  /** `class-folders` (one sub-folder per class) or `trojai` (`class_<k>_example_<m>.png`). */
  layout: z.enum(['class-folders', 'trojai']).default(IMAGE_FOLDER_DEFAULTS.layout),
  /** TrojAI layout: number of classes (default: largest class in a file name + 1). */
  numClasses: z.number().int().positive().optional(),
  /** Image file extensions read, with the dot. */
  extensions: z
    .array(z.string().regex(/^\.[^.]+$/))
    .min(1)
    .default(() => [...IMAGE_FOLDER_DEFAULTS.extensions]),
  /** Storage type of the images. */
  dtype: dtypeSchema.default(IMAGE_FOLDER_DEFAULTS.dtype),
  /** Images decoded at the same time. */
  concurrency: z.number().int().positive().default(IMAGE_FOLDER_DEFAULTS.concurrency),
});

/** `{ type: 'blobs', seed }`: 2-D Gaussian blobs (the paper's §8.1), as [n, 1, 1, 2] data. */
export const blobsDatasetSchema = z.strictObject({
  type: z.literal('blobs'),
  /** Seed of the points. */
  seed: z.number().int(),
  /** Training points. */
  n: z.number().int().nonnegative().default(BLOBS_DATASET_DEFAULTS.n),
  /** Test points. */
  testN: z.number().int().nonnegative().default(BLOBS_DATASET_DEFAULTS.testN),
  /** Blob centres, one per class (default: evenly spaced on a circle). */
  centers: z
    .array(z.tuple([z.number(), z.number()]))
    .min(1)
    .optional(),
  /** Number of blobs (default: the number of `centers`, or 5 without them). */
  numClasses: z.number().int().positive().optional(),
  /** Standard deviation of each coordinate. */
  std: z.number().nonnegative().default(GAUSSIAN_BLOBS_DEFAULTS.std),
});

/**
 * A dataset configuration, discriminated by `type`. Its output is the `DatasetOptions` that
 * `loadDataset` takes.
 *
 * @example
 * ```ts
 * const options = datasetConfigSchema.parse({ type: 'cifar10', directory: 'data/cifar' });
 * const { train, test } = await loadDataset(options);
 * ```
 */
export const datasetConfigSchema = z.discriminatedUnion('type', [
  embeddedMnistDatasetSchema,
  mnistIdxDatasetSchema,
  cifar10DatasetSchema,
  gtsrbDatasetSchema,
  imageFolderDatasetSchema,
  blobsDatasetSchema,
]);

/** A parsed dataset configuration (defaults filled in). */
export type DatasetConfig = z.output<typeof datasetConfigSchema>;
/** A dataset configuration as written in a file. */
export type DatasetConfigInput = z.input<typeof datasetConfigSchema>;
