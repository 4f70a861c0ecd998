export { deriveSeed } from './derive-seed';
export { StatsError, type StatsErrorCode, type StatsErrorOptions } from './errors';
export { type HistogramBin, type HistogramBinsOptions, histogramBins } from './histogram';
export { type JenksBreaksOptions, jenksBreaks } from './jenks-breaks';
export { type JenksTwoClassSplitResult, jenksTwoClassSplit } from './jenks-two-class-split';
export { type KMeansOptions, type KMeansResult, kMeans } from './k-means';
export { mean } from './mean';
export { type OtsuThresholdOptions, otsuThreshold } from './otsu-threshold';
export { otsuThresholdExact } from './otsu-threshold-exact';
export { type PrincipalComponents, principalComponents, projectOntoComponents } from './pca';
export { quantile } from './quantile';
export {
  createRandom,
  type Random,
  type RandomOptions,
  type RandomState,
  restoreRandom,
} from './random';
export { silhouetteScore } from './silhouette-score';
export { type StdOptions, std } from './std';
export { type SymmetricEigen, symmetricEigen } from './symmetric-eigen';
export { type TopEigenvectorsOptions, topEigenvectors } from './top-eigenvectors';
export { type VarianceOptions, variance } from './variance';
export { type ZScoresOptions, zScores } from './z-scores';
