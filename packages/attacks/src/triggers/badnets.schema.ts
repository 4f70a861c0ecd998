import { z } from 'zod';
import {
  cleanLabelMessage,
  cleanLabelNeedsAllToOne,
  labelFields,
  patchPatternSchema,
  triggerColorSchema,
  triggerPositionSchema,
} from '../_fields.schema';
import { BADNETS_DEFAULTS } from './badnets';

/** Config of a BadNets attack with a static patch; defaults from {@link BADNETS_DEFAULTS}. */
export const badNetsAttackSchema = z
  .strictObject({
    type: z.literal('badnets'),
    ...labelFields,
    size: z
      .int()
      .positive()
      .default(BADNETS_DEFAULTS.size)
      .describe('Side of the square patch (pixels)'),
    position: triggerPositionSchema.default(BADNETS_DEFAULTS.position),
    margin: z
      .int()
      .min(0)
      .default(BADNETS_DEFAULTS.margin)
      .describe('Pixels from the anchor edges'),
    color: triggerColorSchema.default(BADNETS_DEFAULTS.color),
    pattern: patchPatternSchema.default(BADNETS_DEFAULTS.pattern),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
