import { z } from 'zod';
import { cleanLabelMessage, cleanLabelNeedsAllToOne, labelFields } from '../_fields.schema';
import { FILTER_DEFAULTS, FILTER_NAMES } from './filter';

/** Config of a Filter attack (as in ABS); defaults from {@link FILTER_DEFAULTS}. */
export const filterAttackSchema = z
  .strictObject({
    type: z.literal('filter'),
    ...labelFields,
    filter: z.enum(FILTER_NAMES).default(FILTER_DEFAULTS.filter).describe('Instagram-style filter'),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
