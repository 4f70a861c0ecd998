/**
 * `@none/data/schema`: the zod schemas of what this package configures. The core
 * (`@none/data`) never imports zod; apps compose these schemas into their configuration.
 */
export { type AugmentConfig, augmentSchema } from './augment.schema';
export {
  blobsDatasetSchema,
  cifar10DatasetSchema,
  type DatasetConfig,
  type DatasetConfigInput,
  datasetConfigSchema,
  embeddedMnistDatasetSchema,
  gtsrbDatasetSchema,
  imageFolderDatasetSchema,
  mnistIdxDatasetSchema,
} from './dataset.schema';
