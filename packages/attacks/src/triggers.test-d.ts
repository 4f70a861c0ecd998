import { describe, expectTypeOf, it } from 'vitest';
import { applyAttack } from './attack-config';
import { applyBadNets } from './triggers/badnets';
import { applySig } from './triggers/sig';
import type { ImageDataset, ImageShape, SingleImageShape } from './types';

describe('triggers keep the pixel type and the shape type', () => {
  it('on a dataset and on a single image', () => {
    const dataset = {} as ImageDataset<Float32Array>;
    expectTypeOf(applyBadNets(dataset).images).toEqualTypeOf<Float32Array>();
    expectTypeOf(applyBadNets(dataset).shape).toEqualTypeOf<ImageShape>();
    const image = applySig({ images: new Uint8Array(4), shape: [2, 2, 1] as SingleImageShape });
    expectTypeOf(image.images).toExtend<Uint8Array>();
    expectTypeOf(image.shape).toEqualTypeOf<SingleImageShape>();
    expectTypeOf(applyAttack(dataset, { type: 'wanet' }).shape).toEqualTypeOf<ImageShape>();
  });
});
