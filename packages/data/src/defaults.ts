/**
 * The default options of every loader and transform, in one module without heavy imports, so
 * that the zod schemas (`@none/data/schema`) can use them without loading sharp.
 */
import type { ResizeFit } from './_decode-image';
import type { ImageDtype } from './image-dataset';
import type { ImageFolderLayout } from './image-folder';

/** Default options of `augmentBatch`: the CIFAR recipe of the paper's training. */
export const AUGMENT_DEFAULTS = {
  /** Zero padding on each side before the random crop, in pixels. */
  padding: 4,
  /** Whether to flip images horizontally (turn off for digits and traffic signs). */
  flip: true,
  /** Probability of flipping one image. */
  flipProbability: 0.5,
} as const;

/** Default options of `loadEmbeddedMnist`. */
export const EMBEDDED_MNIST_DEFAULTS = {
  /** Fraction of each digit's samples, taken from the end, that form the test set. */
  testFraction: 0.2,
  /** Storage type of the images. */
  dtype: 'float32',
} as const satisfies { testFraction: number; dtype: ImageDtype };

/** Default options of the MNIST IDX loaders. */
export const MNIST_IDX_DEFAULTS = {
  /** Number of classes; labels must be below it. */
  numClasses: 10,
  /** Storage type of the images. */
  dtype: 'float32',
} as const satisfies { numClasses: number; dtype: ImageDtype };

/** Default options of the CIFAR-10 loaders. */
export const CIFAR10_DEFAULTS = {
  /** Storage type of the images. */
  dtype: 'float32',
} as const satisfies { dtype: ImageDtype };

/** Number of GTSRB classes (traffic-sign types). */
export const GTSRB_NUM_CLASSES = 43;

/** Default options of the GTSRB loaders. */
export const GTSRB_DEFAULTS = {
  /** Side of the square output images (the paper uses 32x32x3). */
  size: 32,
  /** Crop each image to its annotated region of interest before resizing. */
  cropRoi: true,
  /** Resize rule: `fill` stretches the (roughly square) sign to the output size. */
  fit: 'fill',
  /** Number of classes; class ids must be below it. */
  numClasses: GTSRB_NUM_CLASSES,
  /** Storage type of the images. */
  dtype: 'float32',
  /** Images decoded at the same time. */
  concurrency: 4,
} as const satisfies {
  size: number;
  cropRoi: boolean;
  fit: ResizeFit;
  numClasses: number;
  dtype: ImageDtype;
  concurrency: number;
};

/** Default options of `loadImageFolder`. */
export const IMAGE_FOLDER_DEFAULTS = {
  /** Side of the square output images (ImageNet-10 and TrojAI use 224 in the paper). */
  size: 224,
  /** Output channels: 3 (RGB) or 1 (grey). */
  channels: 3,
  /** Resize rule: `cover` keeps the aspect ratio and crops the centre. */
  fit: 'cover',
  /** Where labels come from. */
  layout: 'class-folders',
  /** Image file extensions read (case-insensitive); other files are ignored. */
  extensions: ['.png', '.jpg', '.jpeg'],
  /** Storage type of the images. */
  dtype: 'float32',
  /** Images decoded at the same time. */
  concurrency: 4,
} as const satisfies {
  size: number;
  channels: 1 | 3;
  fit: ResizeFit;
  layout: ImageFolderLayout;
  extensions: readonly string[];
  dtype: ImageDtype;
  concurrency: number;
};

/** Default options of `gaussianBlobs`. */
export const GAUSSIAN_BLOBS_DEFAULTS = {
  /** Number of points. */
  n: 1000,
  /** Number of blobs (= classes) when `centers` is not given. */
  numClasses: 5,
  /** Standard deviation of each coordinate around its centre. */
  std: 0.06,
  /** Default centres lie on a circle of this radius around (0.5, 0.5). */
  radius: 0.35,
} as const;

/** Default share of the test set when a folder (or the GTSRB training set) is split. */
export const TEST_SPLIT_DEFAULTS = { testFraction: 0.2 } as const;

/** Default sizes of `{ type: 'blobs' }` datasets in `loadDataset`. */
export const BLOBS_DATASET_DEFAULTS = {
  /** Training points. */
  n: 1000,
  /** Test points. */
  testN: 1000,
} as const;
