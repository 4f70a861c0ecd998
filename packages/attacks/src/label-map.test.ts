import { describe, expect, it } from 'vitest';
import { AttackError } from './errors';
import { mapLabels, targetLabel } from './label-map';

describe('targetLabel', () => {
  it.each([2, 10, 43])('maps y to (y + 1) mod K for every class (K = %i)', (K) => {
    for (let y = 0; y < K; y++) {
      expect(targetLabel(y, { labelMode: 'label-specific' }, K)).toBe(y === K - 1 ? 0 : y + 1);
    }
  });

  it.each([2, 10, 43])('maps every class to the target, for every target (K = %i)', (K) => {
    for (let target = 0; target < K; target++) {
      for (let y = 0; y < K; y++) expect(targetLabel(y, { target }, K)).toBe(target);
    }
  });

  it('defaults to all-to-one with target 0', () => {
    expect(targetLabel(5, {}, 10)).toBe(0);
  });

  it('rejects a target or a label outside [0, K)', () => {
    expect(() => targetLabel(0, { target: 10 }, 10)).toThrow(
      'targetLabel: target must be an integer in [0, 9], got 10',
    );
    expect(() => targetLabel(10, {}, 10)).toThrow(AttackError);
    expect(() => targetLabel(1, { labelMode: 'bogus' as never }, 10)).toThrow('labelMode');
  });
});

describe('mapLabels', () => {
  it('maps a whole array without mutating it', () => {
    const labels = new Int32Array([0, 1, 2, 3, 4]);
    expect(Array.from(mapLabels(labels, { labelMode: 'label-specific' }, 5))).toEqual([
      1, 2, 3, 4, 0,
    ]);
    expect(Array.from(mapLabels(labels, { target: 3 }, 5))).toEqual([3, 3, 3, 3, 3]);
    expect(Array.from(labels)).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects labels outside [0, K)', () => {
    expect(() => mapLabels(new Int32Array([0, 7]), {}, 5)).toThrow(
      'mapLabels: labels[1] must be in [0, 4], got 7',
    );
  });
});
