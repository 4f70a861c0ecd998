import { describe, expect, it } from 'vitest';
import { silhouetteScore } from './silhouette-score';

describe('silhouetteScore', () => {
  it('matches a hand-computed 1-D case', () => {
    // 0: a = 1, b = 10.5; 1: a = 1, b = 9.5; 10 and 11 mirror them.
    const expected = (2 * (1 - 1 / 10.5) + 2 * (1 - 1 / 9.5)) / 4;
    const score = silhouetteScore([0, 1, 10, 11], 4, 1, [0, 0, 1, 1]);
    expect(score).toBeCloseTo(expected, 12);
  });

  it('is NaN for a single cluster', () => {
    expect(silhouetteScore([0, 1], 2, 1, [0, 0])).toBeNaN();
  });
});
