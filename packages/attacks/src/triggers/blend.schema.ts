import { z } from 'zod';
import {
  cleanLabelMessage,
  cleanLabelNeedsAllToOne,
  labelFields,
  seedSchema,
  triggerImageSchema,
} from '../_fields.schema';
import { BLEND_DEFAULTS } from './blend';

/** Config of a Blend attack (Chen et al.); defaults from {@link BLEND_DEFAULTS}. */
export const blendAttackSchema = z
  .strictObject({
    type: z.literal('blend'),
    ...labelFields,
    alpha: z.number().min(0).max(1).default(BLEND_DEFAULTS.alpha).describe('Blend ratio α'),
    image: triggerImageSchema.optional().describe('Key pattern; seeded uniform noise when absent'),
    patternSeed: seedSchema.default(BLEND_DEFAULTS.patternSeed).describe('Seed of the noise key'),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
