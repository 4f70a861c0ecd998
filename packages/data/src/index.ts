/**
 * `@none/data`: the `ImageDataset` contract of the NONE packages, the embedded MNIST default,
 * loaders for MNIST IDX, CIFAR-10, GTSRB and image folders, seeded dataset operations and
 * augmentation. The zod schemas live at `@none/data/schema`; the seeded PRNG these operations
 * take (`createRandom`, `deriveSeed`) is `@none/stats`'.
 */

export {
  type AugmentBatchOptions,
  augmentBatch,
  flipHorizontal,
  type RandomCropOptions,
  type RandomHorizontalFlipOptions,
  randomCrop,
  randomHorizontalFlip,
} from './augment';
export {
  CIFAR10_CLASS_NAMES,
  type Cifar10Batch,
  encodeCifar10Batch,
  type LoadCifar10BatchesOptions,
  type LoadCifar10Options,
  loadCifar10,
  loadCifar10Batches,
  parseCifar10Batch,
} from './cifar10';
export { concatDatasets } from './concat-datasets';
export {
  type DatasetBatch,
  type DatasetBatchesOptions,
  datasetBatches,
} from './dataset-batches';
export {
  AUGMENT_DEFAULTS,
  BLOBS_DATASET_DEFAULTS,
  CIFAR10_DEFAULTS,
  EMBEDDED_MNIST_DEFAULTS,
  GAUSSIAN_BLOBS_DEFAULTS,
  GTSRB_DEFAULTS,
  GTSRB_NUM_CLASSES,
  IMAGE_FOLDER_DEFAULTS,
  MNIST_IDX_DEFAULTS,
  TEST_SPLIT_DEFAULTS,
} from './defaults';
export { type LoadEmbeddedMnistOptions, loadEmbeddedMnist } from './embedded-mnist';
export { DataError, type DataErrorCode, type DataErrorOptions } from './errors';
export {
  type GaussianBlobsOptions,
  gaussianBlobs,
  type PointDataset,
  pointsToImageDataset,
} from './gaussian-blobs';
export {
  type GtsrbAnnotation,
  type LoadGtsrbOptions,
  loadGtsrb,
  loadGtsrbTest,
  loadGtsrbTraining,
  parseGtsrbCsv,
} from './gtsrb';
export {
  classCounts,
  createImageDataset,
  type DatasetSplit,
  type ImageArray,
  type ImageDataset,
  type ImageDtype,
  type ImageShape,
  oneHot,
  toFloat32,
  toUint8,
} from './image-dataset';
export {
  type ImageFolderLayout,
  type LoadImageFolderOptions,
  loadImageFolder,
  type ResizeFit,
} from './image-folder';
export {
  type BlobsDatasetOptions,
  type Cifar10DatasetOptions,
  type DatasetOptions,
  type EmbeddedMnistDatasetOptions,
  type GtsrbDatasetOptions,
  type ImageFolderDatasetOptions,
  loadDataset,
  type MnistIdxDatasetOptions,
} from './load-dataset';
export {
  encodeIdx,
  type IdxArray,
  type IdxDataType,
  type LoadMnistIdxFolderOptions,
  type LoadMnistIdxOptions,
  loadMnistIdx,
  loadMnistIdxFolder,
  parseIdx,
  readIdxFile,
} from './mnist-idx';
export { shuffleDataset } from './shuffle-dataset';
export {
  type SplitDatasetOptions,
  type SplitDatasetResult,
  splitDataset,
} from './split-dataset';
export { subsetDataset } from './subset-dataset';
