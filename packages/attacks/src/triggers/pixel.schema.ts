import { z } from 'zod';
import {
  cleanLabelMessage,
  cleanLabelNeedsAllToOne,
  labelFields,
  triggerColorSchema,
  triggerPositionSchema,
} from '../_fields.schema';
import { PIXEL_DEFAULTS } from './pixel';

/** Config of a single-pixel BadNets attack; defaults from {@link PIXEL_DEFAULTS}. */
export const pixelAttackSchema = z
  .strictObject({
    type: z.literal('pixel'),
    ...labelFields,
    position: triggerPositionSchema.default(PIXEL_DEFAULTS.position),
    margin: z.int().min(0).default(PIXEL_DEFAULTS.margin).describe('Pixels from the anchor edges'),
    color: triggerColorSchema.default(PIXEL_DEFAULTS.color),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
