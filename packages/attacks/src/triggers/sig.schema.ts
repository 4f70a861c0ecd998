import { z } from 'zod';
import { cleanLabelMessage, cleanLabelNeedsAllToOne, labelFields } from '../_fields.schema';
import { SIG_DEFAULTS } from './sig';

/** Config of a SIG attack (Barni et al.); defaults from {@link SIG_DEFAULTS}. */
export const sigAttackSchema = z
  .strictObject({
    type: z.literal('sig'),
    ...labelFields,
    delta: z
      .number()
      .min(0)
      .max(1)
      .default(SIG_DEFAULTS.delta)
      .describe('Amplitude Δ in [0, 1] pixel units (20/255 = 20 on 8-bit images)'),
    frequency: z
      .number()
      .min(0)
      .default(SIG_DEFAULTS.frequency)
      .describe('Periods f across the image width'),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
