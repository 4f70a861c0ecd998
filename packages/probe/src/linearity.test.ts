import { describe, expect, it } from 'vitest';
import { fractionNonNegative } from './linearity';

describe('fractionNonNegative', () => {
  it('counts values >= 0 per neuron (zero counts as non-negative)', () => {
    // 3 samples x 2 neurons
    const values = new Float32Array([1, -1, 0, -0.5, -2, 3]);
    expect(Array.from(fractionNonNegative(values, 2))).toEqual([2 / 3, 1 / 3]);
  });

  it('rejects a neuron count that does not divide the values', () => {
    expect(() => fractionNonNegative(new Float32Array(5), 2)).toThrow(
      /neurons must be a positive integer dividing values.length \(5\), got 2/,
    );
  });
});
