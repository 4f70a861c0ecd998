export { deriveSeed } from './derive-seed';
export { StatsError, type StatsErrorCode, type StatsErrorOptions } from './errors';
export { type JenksBreaksOptions, jenksBreaks } from './jenks-breaks';
export { type JenksTwoClassSplitResult, jenksTwoClassSplit } from './jenks-two-class-split';
export { mean } from './mean';
export { type OtsuThresholdOptions, otsuThreshold } from './otsu-threshold';
export { otsuThresholdExact } from './otsu-threshold-exact';
export { quantile } from './quantile';
export {
  createRandom,
  type Random,
  type RandomOptions,
  type RandomState,
  restoreRandom,
} from './random';
export { type StdOptions, std } from './std';
export { type VarianceOptions, variance } from './variance';
export { type ZScoresOptions, zScores } from './z-scores';
