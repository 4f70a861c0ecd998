import { describe, expect, it } from 'vitest';
import { augmentSchema } from './augment.schema';
import { datasetConfigSchema } from './dataset.schema';
import { IMAGE_FOLDER_DEFAULTS } from './defaults';

describe('datasetConfigSchema', () => {
  it('fills in the defaults of each type', () => {
    expect(datasetConfigSchema.parse({ type: 'embedded-mnist' })).toEqual({
      type: 'embedded-mnist',
      testFraction: 0.2,
      dtype: 'float32',
    });
    expect(datasetConfigSchema.parse({ type: 'gtsrb', directory: 'd' })).toMatchObject({
      size: 32,
      cropRoi: true,
      numClasses: 43,
    });
    const folder = datasetConfigSchema.parse({ type: 'image-folder', train: 't' });
    expect(folder).toMatchObject({ size: 224, channels: 3, fit: 'cover', layout: 'class-folders' });
    expect(folder.type === 'image-folder' && folder.extensions).toEqual([
      ...IMAGE_FOLDER_DEFAULTS.extensions,
    ]);
  });

  it('accepts a size as [height, width]', () => {
    expect(
      datasetConfigSchema.parse({ type: 'image-folder', train: 't', size: [120, 160] }),
    ).toMatchObject({ size: [120, 160] });
  });

  it('rejects unknown keys, unknown types and values out of range, with their paths', () => {
    const typo = datasetConfigSchema.safeParse({ type: 'cifar10', directory: 'd', dtyp: 'uint8' });
    expect(typo.success).toBe(false);
    expect(JSON.stringify(typo.error?.issues)).toContain('dtyp');
    expect(datasetConfigSchema.safeParse({ type: 'imagenet', directory: 'd' }).success).toBe(false);
    const fraction = datasetConfigSchema.safeParse({ type: 'embedded-mnist', testFraction: 2 });
    expect(fraction.error?.issues[0]?.path).toEqual(['testFraction']);
    expect(datasetConfigSchema.safeParse({ type: 'cifar10' }).success).toBe(false);
    expect(
      datasetConfigSchema.safeParse({ type: 'image-folder', train: 't', channels: 2 }).success,
    ).toBe(false);
    expect(datasetConfigSchema.safeParse({ type: 'blobs' }).success).toBe(false);
  });
});

describe('augmentSchema', () => {
  it('defaults to the paper recipe and is strict', () => {
    expect(augmentSchema.parse({})).toEqual({ padding: 4, flip: true, flipProbability: 0.5 });
    expect(augmentSchema.safeParse({ pad: 2 }).success).toBe(false);
  });
});
