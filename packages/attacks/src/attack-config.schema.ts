import { z } from 'zod';
import { badNetsAttackSchema } from './triggers/badnets.schema';
import { blendAttackSchema } from './triggers/blend.schema';
import { dynamicPatchAttackSchema } from './triggers/dynamic-patch.schema';
import { filterAttackSchema } from './triggers/filter.schema';
import { pixelAttackSchema } from './triggers/pixel.schema';
import { sigAttackSchema } from './triggers/sig.schema';
import { wanetAttackSchema } from './triggers/wanet.schema';
import { watermarkAttackSchema } from './triggers/watermark.schema';

/** Any attack config, discriminated by `type`. Its output is assignable to `AttackConfig`. */
export const attackConfigSchema = z.discriminatedUnion('type', [
  badNetsAttackSchema,
  pixelAttackSchema,
  dynamicPatchAttackSchema,
  blendAttackSchema,
  watermarkAttackSchema,
  sigAttackSchema,
  wanetAttackSchema,
  filterAttackSchema,
]);

/** What a config file may contain (defaults optional). */
export type AttackConfigInput = z.input<typeof attackConfigSchema>;
/** A parsed config, every default filled in. */
export type AttackConfigOutput = z.output<typeof attackConfigSchema>;

/** Options of `poisonDataset`: the rate (fraction of the whole training set) and the seed. */
export const poisonOptionsSchema = z.strictObject({
  rate: z.number().min(0).max(1).describe('Fraction of the whole training set to poison'),
  seed: z.int().min(0).max(4294967295).describe('Seed of the sample choice'),
});

/** Parsed {@link poisonOptionsSchema}. */
export type PoisonOptionsOutput = z.output<typeof poisonOptionsSchema>;
