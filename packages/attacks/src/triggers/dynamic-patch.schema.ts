import { z } from 'zod';
import {
  cleanLabelMessage,
  cleanLabelNeedsAllToOne,
  labelFields,
  patchPatternSchema,
  triggerColorSchema,
} from '../_fields.schema';
import { DYNAMIC_PATCH_DEFAULTS } from './dynamic-patch';

/** Config of a dynamic-patch attack; defaults from {@link DYNAMIC_PATCH_DEFAULTS}. */
export const dynamicPatchAttackSchema = z
  .strictObject({
    type: z.literal('dynamic-patch'),
    ...labelFields,
    size: z
      .int()
      .positive()
      .default(DYNAMIC_PATCH_DEFAULTS.size)
      .describe('Side of the square patch (pixels)'),
    color: triggerColorSchema.default(DYNAMIC_PATCH_DEFAULTS.color),
    pattern: patchPatternSchema.default(DYNAMIC_PATCH_DEFAULTS.pattern),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
