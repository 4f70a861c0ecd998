import { z } from 'zod';

const epochs = z.number().int().nonnegative();
const rate = z.number().positive();

/** Options of the baseline defenses (`defense: 'dp-sgd' | 'activation-clustering' | 'abl' | 'nad' | 'dbd'`). Unset fields take the defaults of ABL_DEFAULTS, NAD_DEFAULTS, DBD_DEFAULTS. */
export const baselinesSchema = z.strictObject({
  dpSgd: z
    .strictObject({
      /** light: clip 4.0, noise 0.1; strong: clip 1.0, noise 0.5 (the paper's two settings). */
      setting: z.enum(['light', 'strong']).default('light'),
      /** Samples per clipped gradient; 1 is true per-sample clipping. */
      microBatchSize: z.number().int().positive().default(1),
      /** SGD learning rate; default: the training rate when its optimizer is SGD, else 0.05. */
      learningRate: z.number().positive().optional(),
    })
    .prefault({}),
  activationClustering: z
    .strictObject({
      components: z.number().int().positive().default(10),
      sizeThreshold: z.number().gt(0).lt(1).default(0.35),
    })
    .prefault({}),
  /** ABL (Li et al. 2021): LGA isolation, clean training, unlearning. */
  abl: z
    .strictObject({
      /** LGA epochs before the isolation. @default 2 */
      isolationEpochs: epochs.optional(),
      /** LGA loss threshold. @default 0.5 */
      gamma: z.number().positive().optional(),
      /** Share of the training set isolated (lowest loss). @default 0.01 */
      isolationFraction: z.number().gt(0).lt(1).optional(),
      /** @default training.epochs - isolationEpochs */
      cleanEpochs: epochs.optional(),
      /** @default 5 */
      unlearningEpochs: epochs.optional(),
      /** @default 5e-4 */
      unlearningLearningRate: rate.optional(),
    })
    .prefault({}),
  /** NAD (Li et al. 2021): teacher fine-tuning and attention distillation on clean data. */
  nad: z
    .strictObject({
      /** Share of the training set the defender holds as clean data. @default 0.05 */
      cleanFraction: z.number().gt(0).max(1).optional(),
      /** @default 10 */
      teacherEpochs: epochs.optional(),
      /** @default 0.01 */
      teacherLearningRate: rate.optional(),
      /** @default 20 */
      distillationEpochs: epochs.optional(),
      /** @default 0.01 */
      distillationLearningRate: rate.optional(),
      /** Attention-map exponent. @default 2 */
      p: z.number().positive().optional(),
      /** Weight per distilled layer (aligned to the last layers). @default [500, 1000, 1000] */
      betas: z.array(z.number().nonnegative()).min(1).optional(),
    })
    .prefault({}),
  /** DBD (Huang et al. 2022), reduced: SimCLR, head, MixMatch fine-tuning. */
  dbd: z
    .strictObject({
      /** @default 3 */
      selfSupervisedEpochs: epochs.optional(),
      /** @default 5 */
      headEpochs: epochs.optional(),
      /** @default 3 */
      fineTuneEpochs: epochs.optional(),
      /** @default 0.5 */
      labeledFraction: z.number().gt(0).lt(1).optional(),
      /** NT-Xent temperature. @default 0.5 */
      temperature: z.number().positive().optional(),
    })
    .prefault({}),
});

export type BaselinesConfig = z.output<typeof baselinesSchema>;
