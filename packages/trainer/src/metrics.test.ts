import { describe, expect, it } from 'vitest';
import { accuracy, detectionQuality } from './metrics';

describe('accuracy', () => {
  it('is the fraction of matching labels', () => {
    expect(accuracy(Int32Array.from([1, 2, 3, 0]), Int32Array.from([1, 2, 0, 0]))).toBe(0.75);
  });
});

describe('detectionQuality', () => {
  it('computes precision and recall against the poisoned indices (hand-computed)', () => {
    // removed {1,2,3,9}, poisoned {2,3,4}: TP 2 -> precision 2/4, recall 2/3
    const q = detectionQuality([1, 2, 3, 9], [2, 3, 4]);
    expect(q).toEqual({ precision: 0.5, recall: 2 / 3, truePositives: 2 });
  });
  it('returns nulls when the poisoned indices are unknown', () => {
    expect(detectionQuality([1], undefined)).toEqual({
      precision: null,
      recall: null,
      truePositives: null,
    });
  });
});
