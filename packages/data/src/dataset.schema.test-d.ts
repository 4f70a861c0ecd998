import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { AugmentBatchOptions } from './augment';
import type { augmentSchema } from './augment.schema';
import type { datasetConfigSchema } from './dataset.schema';
import type { DatasetOptions } from './load-dataset';

test('the dataset schema output is the options type loadDataset takes', () => {
  expectTypeOf<z.output<typeof datasetConfigSchema>>().toExtend<DatasetOptions>();
});

test('the augmentation schema output is accepted by augmentBatch', () => {
  expectTypeOf<z.output<typeof augmentSchema> & { seed: number }>().toExtend<AugmentBatchOptions>();
});
