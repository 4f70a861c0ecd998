import { z } from 'zod';
import { ACTIVATION_NAMES, ARCHITECTURES } from './names';

/** Defaults of a model config. */
export const MODEL_DEFAULTS = {
  architecture: 'small-cnn',
  width: 1,
  activation: 'relu',
} as const;

/**
 * A model in an experiment config. `inputShape` and `numClasses` come from the dataset,
 * `seed` from the experiment, so they are not part of it.
 */
export const modelConfigSchema = z.strictObject({
  /** One of the paper's architectures. */
  architecture: z.enum(ARCHITECTURES as [string, ...string[]]).default(MODEL_DEFAULTS.architecture),
  /** Channel multiplier (e.g. 0.25 for CPU runs). */
  width: z.number().positive().max(16).default(MODEL_DEFAULTS.width),
  /** Activation of every hidden layer (§8.2, Table 10). */
  activation: z.enum(ACTIVATION_NAMES as [string, ...string[]]).default(MODEL_DEFAULTS.activation),
  /** VGG only: BatchNorm after every conv. */
  batchNorm: z.boolean().optional(),
  /** WRN only: widen factor k of WRN-16-k. */
  widenFactor: z.number().int().positive().optional(),
  /** WRN only: dropout between a block's two convs. */
  dropout: z.number().min(0).lt(1).optional(),
});

export type ModelConfig = z.output<typeof modelConfigSchema>;
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
