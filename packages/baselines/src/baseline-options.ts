import type { AblOptions } from './abl';
import type { DbdOptions } from './dbd';
import type { NadOptions } from './nad';

/** Options of the baseline defenses, as an experiment configures them. */
export interface BaselineOptions {
  dpSgd?: {
    /** The paper's two settings: light (clip 4, noise 0.1) or strong (clip 1, noise 0.5). @default 'light' */
    setting?: 'light' | 'strong';
    /** Samples per clipped gradient (1: true per-sample clipping). @default 1 */
    microBatchSize?: number;
    /** SGD learning rate. @default training.optimizer's rate when it is SGD, else 0.05 */
    learningRate?: number;
  };
  activationClustering?: {
    /** PCA dimensions. @default 10 */
    components?: number;
    /** Flag the smaller of two clusters when it holds at most this fraction of its class. @default 0.35 */
    sizeThreshold?: number;
  };
  /** ABL; `cleanEpochs` defaults to `training.epochs - isolationEpochs`. */
  abl?: AblOptions;
  /** NAD, plus the share of the training set the defender holds as clean data. */
  nad?: NadOptions & {
    /** @default 0.05 (the paper's 5%) */
    cleanFraction?: number;
  };
  /** DBD's stage lengths and loss settings (optimizer, seed and batch size come from training). */
  dbd?: Omit<
    DbdOptions,
    'optimizer' | 'seed' | 'poisonedIndices' | 'state' | 'onCheckpoint' | 'onEvent'
  >;
}
