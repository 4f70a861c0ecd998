import { z } from 'zod';
import { NONE_DEFAULTS } from './none/none-options';

/** Defaults of plain training (tuned for the embedded MNIST on a 2-core CPU). */
export const TRAINING_DEFAULTS = {
  epochs: 10,
  batchSize: 128,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 5e-4,
} as const;

export const optimizerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('sgd'),
    /** Base learning rate. */
    learningRate: z.number().positive().default(TRAINING_DEFAULTS.learningRate),
    momentum: z.number().min(0).lt(1).default(TRAINING_DEFAULTS.momentum),
    /** L2 weight decay added to the gradient (PyTorch semantics). */
    weightDecay: z.number().min(0).default(TRAINING_DEFAULTS.weightDecay),
  }),
  z.strictObject({
    type: z.literal('adam'),
    learningRate: z.number().positive().default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-8),
    weightDecay: z.number().min(0).default(0),
  }),
]);

export const scheduleSchema = z.strictObject({
  type: z.enum(['constant', 'step', 'multistep']),
  /** `step`: epochs between decays. */
  stepSize: z.number().int().positive().optional(),
  /** `multistep`: epochs at which the rate is multiplied by gamma. */
  milestones: z.array(z.number().int().nonnegative()).optional(),
  gamma: z.number().positive().max(1).default(0.1),
});

export const trainingSchema = z.strictObject({
  /** Epochs of plain training; NONE trains the same total (warm-up plus its rounds). */
  epochs: z.number().int().positive().default(TRAINING_DEFAULTS.epochs),
  batchSize: z.number().int().positive().default(TRAINING_DEFAULTS.batchSize),
  optimizer: optimizerSchema.default({
    type: 'sgd',
    learningRate: TRAINING_DEFAULTS.learningRate,
    momentum: TRAINING_DEFAULTS.momentum,
    weightDecay: TRAINING_DEFAULTS.weightDecay,
  }),
  /** Learning-rate decay; default: x0.1 after 70% of the epochs. */
  schedule: scheduleSchema.optional(),
  /** Random crop (padding) and flip; off by default (digits). */
  augment: z
    .union([
      z.literal(false),
      z.strictObject({ padding: z.number().int().nonnegative(), flip: z.boolean() }),
    ])
    .default(false),
});

/** Every NONE parameter (DESIGN.md), with the paper's and the code's defaults. */
export const noneSchema = z.strictObject({
  variant: z
    .enum(['paper', 'confidence-gap', 'consensus', 'signature'])
    .default(NONE_DEFAULTS.variant),
  /** Default: 1 for `signature`, 2 for the other variants. */
  rounds: z.number().int().positive().optional(),
  /** Default: 0 for `signature` (it retrains instead), 1 for the other variants. */
  epochsPerRound: z.number().int().nonnegative().optional(),
  fineTuneLearningRate: z.number().positive().default(NONE_DEFAULTS.fineTuneLearningRate),
  freezeBatchNorm: z.boolean().default(NONE_DEFAULTS.freezeBatchNorm),
  reset: z.enum(['reinit', 'zero']).default(NONE_DEFAULTS.reset),
  resetFraction: z.number().gt(0).max(1).default(NONE_DEFAULTS.resetFraction),
  selectionThreshold: z.number().gt(0).max(1).default(NONE_DEFAULTS.selectionThreshold),
  theta: z.number().min(0).max(1).default(NONE_DEFAULTS.theta),
  lambda: z.number().positive().default(NONE_DEFAULTS.lambda),
  lambdaH: z.number().gt(0).lt(1).default(NONE_DEFAULTS.lambdaH),
  lambdaL: z.number().gt(0).lt(1).default(NONE_DEFAULTS.lambdaL),
  selection: z
    .union([z.literal('top-1'), z.number().gt(0).max(1)])
    .default(NONE_DEFAULTS.selection),
  agreement: z.number().min(0).max(1).default(NONE_DEFAULTS.agreement),
  /**
   * `consensus`: clusters per layer searched for the most agreeing combination (default 1).
   * 3 finds more triggers on some seeds but removes clean clusters on others; see the
   * `consensus-candidates` ablation report in apps/bench/reports/cpu.
   */
  candidatesPerLayer: z.number().int().positive().max(10).optional(),
  /** `consensus`: largest share of a class's confident samples a backdoor cluster may hold. */
  maxClusterFraction: z.number().gt(0).lt(1).optional(),
  probeBatchSize: z.number().int().positive().default(NONE_DEFAULTS.probeBatchSize),
  /** Re-initialise and retrain on the kept samples after the rounds ("purify and retrain"). */
  retrain: z.boolean().default(true),
  /** Epochs of the retrain (default: training.epochs). */
  retrainEpochs: z.number().int().positive().optional(),
  /**
   * Epochs before the first detection: 'auto' for `signature` (until the training accuracy
   * reaches warmupAccuracy, at most half the epochs), 3 for the other variants (the
   * backdoor is learnt, and detectable, within the first epochs). Without retrain, set it to
   * training.epochs - rounds x epochsPerRound.
   */
  warmupEpochs: z.union([z.number().int().positive(), z.literal('auto')]).optional(),
  /** warmupEpochs 'auto' (the signature default): the training accuracy that ends the warm-up (default 0.9). */
  warmupAccuracy: z.number().gt(0).max(1).optional(),
  /** `signature`: the last this many neuron layers are read (default 2). */
  signatureLayers: z.number().int().positive().optional(),
  /** `signature`: input-space neighbours per sample (default 10). */
  neighbours: z.number().int().positive().max(100).optional(),
  /** `signature`: the detection's thresholds (SIGNATURE_DETECTION_DEFAULTS). */
  signature: z
    .strictObject({
      disagreement: z.number().min(0).max(1).optional(),
      groupOn: z.number().min(0).max(1).optional(),
      restOn: z.number().min(0).max(1).optional(),
      minSignature: z.number().int().positive().optional(),
      minGroup: z.number().int().positive().optional(),
      minGroupShare: z.number().min(0).max(1).optional(),
      strictRestOn: z.number().min(0).max(1).nullable().optional(),
      memberUnits: z.number().int().positive().optional(),
      minGap: z.number().min(0).max(1).optional(),
      contentDisagreement: z.number().min(0).max(1).optional(),
      contentMargin: z.number().min(0).max(1).optional(),
      principalStarts: z.boolean().optional(),
      maxStay: z.number().min(0).max(1).nullable().optional(),
      minHeld: z.number().min(0).max(1).nullable().optional(),
      seedContent: z.number().min(0).max(1).nullable().optional(),
      seedMemberContent: z.number().min(0).max(1).nullable().optional(),
    })
    .optional(),
});

export type TrainingConfig = z.output<typeof trainingSchema>;
export type NoneConfig = z.output<typeof noneSchema>;
