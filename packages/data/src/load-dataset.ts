import { type LoadCifar10Options, loadCifar10 } from './cifar10';
import { BLOBS_DATASET_DEFAULTS, TEST_SPLIT_DEFAULTS } from './defaults';
import { type LoadEmbeddedMnistOptions, loadEmbeddedMnist } from './embedded-mnist';
import { DataError } from './errors';
import { type GaussianBlobsOptions, gaussianBlobs, pointsToImageDataset } from './gaussian-blobs';
import { type LoadGtsrbOptions, loadGtsrb, loadGtsrbTraining } from './gtsrb';
import type { DatasetSplit, ImageDataset } from './image-dataset';
import { type LoadImageFolderOptions, loadImageFolder } from './image-folder';
import { type LoadMnistIdxFolderOptions, loadMnistIdxFolder } from './mnist-idx';
import { splitDataset } from './split-dataset';
import { subsetDataset } from './subset-dataset';

/** How to carve a test set out of the training data when a format has none. */
interface TestSplitOptions {
  /** Fraction of each class moved to the test set. */
  testFraction?: number;
  /** Seed of the split; without it the last samples of each class are the test ones. */
  seed?: number;
}

/** `{ type: 'embedded-mnist' }`: the 10,000 digits of the `mnist` package. */
export interface EmbeddedMnistDatasetOptions extends LoadEmbeddedMnistOptions {
  type: 'embedded-mnist';
}

/** `{ type: 'mnist-idx', directory }`: the four MNIST IDX files of a folder. */
export interface MnistIdxDatasetOptions extends LoadMnistIdxFolderOptions {
  type: 'mnist-idx';
}

/** `{ type: 'cifar10', directory }`: the CIFAR-10 binary batches. */
export interface Cifar10DatasetOptions extends LoadCifar10Options {
  type: 'cifar10';
}

/**
 * `{ type: 'gtsrb', directory }`: GTSRB's official training and test sets, or, with
 * `testFraction`, the training set split in two (for users without the test ground truth).
 */
export interface GtsrbDatasetOptions extends LoadGtsrbOptions, TestSplitOptions {
  type: 'gtsrb';
}

/**
 * `{ type: 'image-folder', train, test? }`: labelled image folders; without `test`, the
 * training folder is split (`testFraction`, default 0.2).
 */
export interface ImageFolderDatasetOptions
  extends Omit<LoadImageFolderOptions, 'directory' | 'classNames'>,
    TestSplitOptions {
  type: 'image-folder';
  /** Training folder. */
  train: string;
  /** Test folder, read with the training folder's class names. */
  test?: string;
}

/**
 * `{ type: 'blobs', seed }`: 2-D Gaussian blobs as [n, 1, 1, 2] datasets; `n` training and
 * `testN` test points from one seeded stream.
 */
export interface BlobsDatasetOptions extends Omit<GaussianBlobsOptions, 'random'> {
  type: 'blobs';
  /** Seed of the points (required: randomness is always seeded). */
  seed: number;
  /**
   * Number of training points.
   * @default 1000
   */
  n?: number;
  /**
   * Number of test points.
   * @default 1000
   */
  testN?: number;
}

/** Any dataset `loadDataset` can load; the `type` field selects the format. */
export type DatasetOptions =
  | EmbeddedMnistDatasetOptions
  | MnistIdxDatasetOptions
  | Cifar10DatasetOptions
  | GtsrbDatasetOptions
  | ImageFolderDatasetOptions
  | BlobsDatasetOptions;

function carveTest(dataset: ImageDataset, options: TestSplitOptions): DatasetSplit {
  const { train, test } = splitDataset(dataset, {
    testFraction: options.testFraction ?? TEST_SPLIT_DEFAULTS.testFraction,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  return { train, test };
}

/**
 * Loads the train and test sets a {@link DatasetOptions} describes (the plain options type of
 * the `@none/data/schema` `datasetConfigSchema`).
 *
 * @example
 * ```ts
 * const { train, test } = await loadDataset({ type: 'embedded-mnist' });
 * const cifar = await loadDataset({ type: 'cifar10', directory: 'data/cifar-10-batches-bin' });
 * ```
 * @throws DataError the errors of the loader of that type; `E_INVALID_ARGUMENT` for an
 * unknown `type`
 */
export async function loadDataset(options: DatasetOptions): Promise<DatasetSplit> {
  switch (options.type) {
    case 'embedded-mnist': {
      const { type: _, ...rest } = options;
      return loadEmbeddedMnist(rest);
    }
    case 'mnist-idx': {
      const { type: _, ...rest } = options;
      return loadMnistIdxFolder(rest);
    }
    case 'cifar10': {
      const { type: _, ...rest } = options;
      return loadCifar10(rest);
    }
    case 'gtsrb': {
      const { type: _, testFraction, seed, ...rest } = options;
      if (testFraction === undefined) return loadGtsrb(rest);
      return carveTest(await loadGtsrbTraining(rest), { testFraction, seed });
    }
    case 'image-folder': {
      const { type: _, train, test, testFraction, seed, ...rest } = options;
      const trainSet = await loadImageFolder({ ...rest, directory: train });
      if (test === undefined) return carveTest(trainSet, { testFraction, seed });
      const testSet = await loadImageFolder({
        ...rest,
        directory: test,
        ...(trainSet.classNames === undefined
          ? { numClasses: trainSet.numClasses }
          : { classNames: trainSet.classNames }),
      });
      return { train: trainSet, test: testSet };
    }
    case 'blobs': {
      const {
        type: _,
        n = BLOBS_DATASET_DEFAULTS.n,
        testN = BLOBS_DATASET_DEFAULTS.testN,
        ...rest
      } = options;
      const all = pointsToImageDataset(gaussianBlobs({ ...rest, n: n + testN }));
      const indices = Int32Array.from({ length: n + testN }, (_, i) => i);
      return {
        train: subsetDataset(all, indices.subarray(0, n)),
        test: subsetDataset(all, indices.subarray(n)),
      };
    }
    default: {
      const unknown: never = options;
      throw new DataError(
        'E_INVALID_ARGUMENT',
        `loadDataset: unknown dataset type ${JSON.stringify((unknown as { type: unknown }).type)}`,
      );
    }
  }
}
