import { z } from 'zod';
import { AUGMENT_DEFAULTS } from './defaults';

/** Training-time augmentation (`augmentBatch`): random crop with zero padding, then flip. */
export const augmentSchema = z.strictObject({
  /** Zero padding on each side before the random crop; 0 disables the crop. */
  padding: z.number().int().nonnegative().default(AUGMENT_DEFAULTS.padding),
  /** Flip images horizontally at random (turn off for digits and traffic signs). */
  flip: z.boolean().default(AUGMENT_DEFAULTS.flip),
  /** Probability of flipping each image. */
  flipProbability: z.number().min(0).max(1).default(AUGMENT_DEFAULTS.flipProbability),
});

/** Parsed augmentation options. */
export type AugmentConfig = z.output<typeof augmentSchema>;
