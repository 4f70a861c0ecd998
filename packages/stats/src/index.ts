export { type JenksBreaksOptions, jenksBreaks } from './jenks-breaks';
export { type JenksTwoClassSplitResult, jenksTwoClassSplit } from './jenks-two-class-split';
export { mean } from './mean';
export { type OtsuThresholdOptions, otsuThreshold } from './otsu-threshold';
export { otsuThresholdExact } from './otsu-threshold-exact';
export { quantile } from './quantile';
export { type StdOptions, std } from './std';
export { type VarianceOptions, variance } from './variance';
export { type ZScoresOptions, zScores } from './z-scores';
