import type { ResetMode } from '@none/models';
import { CONFIDENCE_GAP_DETECTION_DEFAULTS } from './detect-confidence-gap';
import { CONSENSUS_DETECTION_DEFAULTS } from './detect-consensus';
import { PAPER_DETECTION_DEFAULTS } from './detect-paper';
import type { SignatureDetectionOptions } from './detect-signature';

/**
 * - `paper`: Algorithm 1 of the paper (linearity `P(A >= 0) >= theta`, Jenks + z-score test).
 * - `confidence-gap`: the authors' released code, faithfully (for comparison).
 * - `consensus`: an earlier fix of the released code (within-class sub-population that
 *   every layer agrees on).
 * - `signature`: within each class, a group of samples that holds a set of units on one
 *   linear piece (the rest of the class holds them off) and whose images show other classes;
 *   the default (see `detectSignature`).
 */
export type NoneVariant = 'paper' | 'confidence-gap' | 'consensus' | 'signature';

export interface NoneOptions {
  /** @default 'signature' */
  variant?: NoneVariant;
  /** Detection rounds (each: probe, detect, remove, reset, train). @default 2 */
  rounds?: number;
  /** Training epochs on the kept samples after each detection (the code's `epoch_num_2`). @default 1 */
  epochsPerRound?: number;
  /** Learning rate of those epochs (the code's `none_lr`; the paper uses 1e-3). @default 0.001 */
  fineTuneLearningRate?: number;
  /** Keep BatchNorm statistics frozen while fine-tuning (as the code does). @default true */
  freezeBatchNorm?: boolean;
  /** `reinit` (paper) or `zero` (code). @default 'reinit' */
  reset?: ResetMode;
  /** Per-layer fraction of neurons reset. @default 0.03 */
  resetFraction?: number;
  /** `paper`: fraction of candidates whose values flag samples. @default 0.1 */
  selectionThreshold?: number;
  /** `paper`: linearity threshold. @default 0.95 */
  theta?: number;
  /** `paper`: z-score threshold against the benign cluster. @default 3 */
  lambda?: number;
  /** `confidence-gap`, `consensus`: confident-sample threshold. @default 0.9 */
  lambdaH?: number;
  /** `confidence-gap`: unconfident-sample threshold. @default 0.1 */
  lambdaL?: number;
  /** `confidence-gap`: neurons per layer in the sample score, `'top-1'` or a fraction. @default 'top-1' */
  selection?: 'top-1' | number;
  /** `consensus`: minimum mean Jaccard agreement of the layers. @default 0.5 */
  agreement?: number;
  /** `consensus`: clusters per layer searched for the most agreeing combination. @default 1 */
  candidatesPerLayer?: number;
  /** `consensus`: largest share of a class's confident samples a backdoor cluster may hold. @default 0.5 */
  maxClusterFraction?: number;
  /** Samples per probe batch. @default 256 */
  probeBatchSize?: number;
  /** `signature`: the last this many neuron layers are read. @default 2 */
  signatureLayers?: number;
  /** `signature`: input-space neighbours per sample. @default 10 */
  neighbours?: number;
  /** `signature`: the detection's thresholds (`SIGNATURE_DETECTION_DEFAULTS`). */
  signature?: SignatureDetectionOptions;
}

export const NONE_DEFAULTS = {
  variant: 'signature',
  rounds: 2,
  epochsPerRound: 1,
  fineTuneLearningRate: 0.001,
  freezeBatchNorm: true,
  reset: 'reinit',
  resetFraction: PAPER_DETECTION_DEFAULTS.resetFraction,
  selectionThreshold: PAPER_DETECTION_DEFAULTS.selectionThreshold,
  theta: PAPER_DETECTION_DEFAULTS.theta,
  lambda: PAPER_DETECTION_DEFAULTS.lambda,
  lambdaH: CONFIDENCE_GAP_DETECTION_DEFAULTS.lambdaH,
  lambdaL: CONFIDENCE_GAP_DETECTION_DEFAULTS.lambdaL,
  selection: CONFIDENCE_GAP_DETECTION_DEFAULTS.selection,
  agreement: CONSENSUS_DETECTION_DEFAULTS.agreement,
  candidatesPerLayer: CONSENSUS_DETECTION_DEFAULTS.candidatesPerLayer,
  maxClusterFraction: CONSENSUS_DETECTION_DEFAULTS.maxClusterFraction,
  probeBatchSize: 256,
  signatureLayers: 2,
  neighbours: 10,
  signature: {},
} as const satisfies Required<NoneOptions>;

/**
 * The schedule of the `signature` variant: one detection once an epoch's training accuracy
 * reaches `warmupAccuracy` (at most half the epochs; `warmupEpochs: 'auto'`), no
 * fine-tune; the experiment runner then trains a fresh model on the kept samples for the
 * remaining epochs (the same total as plain training), or, when nothing was removed, trains
 * the warm-up model on.
 */
export const SIGNATURE_SCHEDULE = {
  rounds: 1,
  epochsPerRound: 0,
  warmupEpochs: 'auto',
  warmupAccuracy: 0.9,
} as const;

export type ResolvedNoneOptions = Omit<Required<NoneOptions>, 'selection'> & {
  selection: 'top-1' | number;
};
