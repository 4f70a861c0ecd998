import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/data: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "AUGMENT_DEFAULTS",
      "BLOBS_DATASET_DEFAULTS",
      "CIFAR10_CLASS_NAMES",
      "CIFAR10_DEFAULTS",
      "DataError",
      "EMBEDDED_MNIST_DEFAULTS",
      "GAUSSIAN_BLOBS_DEFAULTS",
      "GTSRB_DEFAULTS",
      "GTSRB_NUM_CLASSES",
      "IMAGE_FOLDER_DEFAULTS",
      "MNIST_IDX_DEFAULTS",
      "TEST_SPLIT_DEFAULTS",
      "augmentBatch",
      "classCounts",
      "concatDatasets",
      "createImageDataset",
      "createRandom",
      "datasetBatches",
      "encodeCifar10Batch",
      "encodeIdx",
      "flipHorizontal",
      "gaussianBlobs",
      "loadCifar10",
      "loadCifar10Batches",
      "loadDataset",
      "loadEmbeddedMnist",
      "loadGtsrb",
      "loadGtsrbTest",
      "loadGtsrbTraining",
      "loadImageFolder",
      "loadMnistIdx",
      "loadMnistIdxFolder",
      "oneHot",
      "parseCifar10Batch",
      "parseGtsrbCsv",
      "parseIdx",
      "pointsToImageDataset",
      "randomCrop",
      "randomHorizontalFlip",
      "readIdxFile",
      "restoreRandom",
      "shuffleDataset",
      "splitDataset",
      "subsetDataset",
      "toFloat32",
      "toUint8",
    ]
  `);
});

it('exports exactly its zod schemas at /schema', async () => {
  expect(Object.keys(await import('./schema')).sort()).toMatchInlineSnapshot(`
    [
      "augmentSchema",
      "blobsDatasetSchema",
      "cifar10DatasetSchema",
      "datasetConfigSchema",
      "embeddedMnistDatasetSchema",
      "gtsrbDatasetSchema",
      "imageFolderDatasetSchema",
      "mnistIdxDatasetSchema",
    ]
  `);
});
