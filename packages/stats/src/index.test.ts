import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@none/stats public API', () => {
  it('exports exactly the reviewed names', () => {
    expect(Object.keys(api).sort()).toEqual([
      'StatsError',
      'createRandom',
      'deriveSeed',
      'histogramBins',
      'jenksBreaks',
      'jenksTwoClassSplit',
      'kMeans',
      'mean',
      'otsuThreshold',
      'otsuThresholdExact',
      'principalComponents',
      'projectOntoComponents',
      'quantile',
      'restoreRandom',
      'silhouetteScore',
      'std',
      'symmetricEigen',
      'topEigenvectors',
      'variance',
      'zScores',
    ]);
  });

  it('exports only functions', () => {
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });
});
