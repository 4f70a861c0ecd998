import { z } from 'zod';
import {
  cleanLabelMessage,
  cleanLabelNeedsAllToOne,
  labelFields,
  seedSchema,
} from '../_fields.schema';
import { WANET_DEFAULTS } from './wanet';

/** Config of a WaNet attack (Nguyen and Tran); defaults from {@link WANET_DEFAULTS}. */
export const wanetAttackSchema = z
  .strictObject({
    type: z.literal('wanet'),
    ...labelFields,
    k: z.int().min(1).max(65536).default(WANET_DEFAULTS.k).describe('Side of the control grid'),
    strength: z.number().min(0).default(WANET_DEFAULTS.strength).describe('Warping strength s'),
    gridRescale: z
      .number()
      .min(0)
      .default(WANET_DEFAULTS.gridRescale)
      .describe('Factor on the warped grid before clamping'),
    patternSeed: seedSchema
      .default(WANET_DEFAULTS.patternSeed)
      .describe('Seed of the control grid'),
    crossRatio: z
      .number()
      .min(0)
      .default(WANET_DEFAULTS.crossRatio)
      .describe('Noise-mode samples per poisoned sample (0 turns noise mode off)'),
  })
  .refine(cleanLabelNeedsAllToOne, cleanLabelMessage);
