import { z } from 'zod';
import {
  cleanLabelMessage,
  cleanLabelNeedsAllToOne,
  labelFields,
  seedSchema,
  triggerImageSchema,
  triggerPositionSchema,
} from '../_fields.schema';
import { WATERMARK_DEFAULTS } from './watermark';

/** Config of a watermark attack; defaults from {@link WATERMARK_DEFAULTS}. */
export const watermarkAttackSchema = z
  .strictObject({
    type: z.literal('watermark'),
    ...labelFields,
    size: z
      .int()
      .positive()
      .optional()
      .describe("Side of the square watermark (pixels); default half the image's shorter side"),
    position: triggerPositionSchema.default(WATERMARK_DEFAULTS.position),
    margin: z
      .int()
      .min(0)
      .default(WATERMARK_DEFAULTS.margin)
      .describe('Pixels from the anchor edges'),
    alpha: z.number().min(0).max(1).default(WATERMARK_DEFAULTS.alpha).describe('Opacity α'),
    image: triggerImageSchema.optional().describe('Logo; a generated colour wheel when absent'),
    patternSeed: seedSchema
      .default(WATERMARK_DEFAULTS.patternSeed)
      .describe('Hue rotation of the generated logo'),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
