import { type DatasetSplit, loadEmbeddedMnist, subsetDataset } from '@none/data';

/**
 * A small slice of the embedded MNIST for end-to-end tests: 600 training digits (every
 * 13th) and 200 test digits (every 9th), so that runExperiment runs in seconds.
 */
export function smallMnistSlice(): DatasetSplit {
  const full = loadEmbeddedMnist();
  return {
    train: subsetDataset(
      full.train,
      Int32Array.from({ length: 600 }, (_, i) => i * 13),
    ),
    test: subsetDataset(
      full.test,
      Int32Array.from({ length: 200 }, (_, i) => i * 9),
    ),
  };
}
