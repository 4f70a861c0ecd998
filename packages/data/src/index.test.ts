import { describe, expect, it } from 'vitest';
import * as api from './index';
import * as schemaApi from './schema';

describe('@none/data public API', () => {
  it('exports exactly these values (review any change)', () => {
    expect(Object.keys(api).sort()).toEqual(EXPECTED_API);
  });

  it('exports these schemas from @none/data/schema', () => {
    expect(Object.keys(schemaApi).sort()).toEqual([
      'augmentSchema',
      'blobsDatasetSchema',
      'cifar10DatasetSchema',
      'datasetConfigSchema',
      'embeddedMnistDatasetSchema',
      'gtsrbDatasetSchema',
      'imageFolderDatasetSchema',
      'mnistIdxDatasetSchema',
    ]);
  });
});

const EXPECTED_API = [
  'AUGMENT_DEFAULTS',
  'BLOBS_DATASET_DEFAULTS',
  'CIFAR10_CLASS_NAMES',
  'CIFAR10_DEFAULTS',
  'DataError',
  'EMBEDDED_MNIST_DEFAULTS',
  'GAUSSIAN_BLOBS_DEFAULTS',
  'GTSRB_DEFAULTS',
  'GTSRB_NUM_CLASSES',
  'IMAGE_FOLDER_DEFAULTS',
  'MNIST_IDX_DEFAULTS',
  'TEST_SPLIT_DEFAULTS',
  'augmentBatch',
  'classCounts',
  'concatDatasets',
  'createImageDataset',
  'datasetBatches',
  'encodeCifar10Batch',
  'encodeIdx',
  'flipHorizontal',
  'gaussianBlobs',
  'loadCifar10',
  'loadCifar10Batches',
  'loadDataset',
  'loadEmbeddedMnist',
  'loadGtsrb',
  'loadGtsrbTest',
  'loadGtsrbTraining',
  'loadImageFolder',
  'loadMnistIdx',
  'loadMnistIdxFolder',
  'oneHot',
  'parseCifar10Batch',
  'parseGtsrbCsv',
  'parseIdx',
  'pointsToImageDataset',
  'randomCrop',
  'randomHorizontalFlip',
  'readIdxFile',
  'shuffleDataset',
  'splitDataset',
  'subsetDataset',
  'toFloat32',
  'toUint8',
];
