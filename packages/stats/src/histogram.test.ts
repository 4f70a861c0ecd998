import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statsError } from './_test-oracles';
import { histogramBins } from './histogram';

describe('histogramBins', () => {
  it('counts hand-checkable values, the last bin closed on the right', () => {
    // [0, 2] in 2 bins of width 1: 0 → bin 0; 1, 1 → bin 1 (half-open [0, 1)); 2 → last bin.
    expect(histogramBins([0, 1, 1, 2], { bins: 2, normalize: 'count' })).toEqual([
      { start: 0, end: 1, value: 1 },
      { start: 1, end: 2, value: 3 },
    ]);
  });

  it('gives a hand-computed density: count / (n · width)', () => {
    // Extent [0, 2], 4 bins of width 0.5, 4 values: 0 and 0.25 in bin 0, 1.75 and 2 in bin 3.
    // Density 2 / (4 · 0.5) = 1 in the outer bins, 0 in the middle ones.
    const bins = histogramBins(new Float32Array([0, 0.25, 1.75, 2]), { bins: 4 });
    expect(bins).toEqual([
      { start: 0, end: 0.5, value: 1 },
      { start: 0.5, end: 1, value: 0 },
      { start: 1, end: 1.5, value: 0 },
      { start: 1.5, end: 2, value: 1 },
    ]);
  });

  it('leaves out values outside the extent and non-finite ones', () => {
    const bins = histogramBins([-5, 0.25, 0.75, Number.NaN, Number.POSITIVE_INFINITY, 9], {
      bins: 2,
      extent: [0, 1],
      normalize: 'count',
    });
    expect(bins.map((b) => b.value)).toEqual([1, 1]);
  });

  it('widens a zero-width range by 0.5 on each side and gives zeros without values', () => {
    expect(histogramBins([3, 3, 3], { bins: 1, normalize: 'count' })).toEqual([
      { start: 2.5, end: 3.5, value: 3 },
    ]);
    expect(histogramBins([], { bins: 2 })).toEqual([
      { start: 0, end: 0.5, value: 0 },
      { start: 0.5, end: 1, value: 0 },
    ]);
  });

  it('rejects bad bins, extent, normalize and values with a StatsError', () => {
    expect(() => histogramBins([1], { bins: 0 })).toThrow(
      'histogramBins: bins must be a positive integer, got 0',
    );
    expect(() => histogramBins([1], { bins: 1.5 })).toThrow(statsError('E_INVALID_ARGUMENT'));
    expect(() => histogramBins([1], { extent: [1, 0] })).toThrow(statsError('E_INVALID_ARGUMENT'));
    expect(() => histogramBins([1], { extent: [0, Number.NaN] })).toThrow(
      statsError('E_INVALID_ARGUMENT'),
    );
    expect(() => histogramBins([1], { normalize: 'sum' as 'count' })).toThrow(
      statsError('E_INVALID_ARGUMENT'),
    );
    expect(() => histogramBins('1' as unknown as number[])).toThrow(statsError('E_INVALID_TYPE'));
  });

  it('tiles the range, keeps every finite value once, and integrates to 1 (property)', () => {
    fc.assert(
      fc.property(
        // Multiples of 1/1024: a bin width far above the subnormal range, so 1 / (n · width)
        // stays finite.
        fc.array(
          fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1024),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 40 }),
        (values, bins) => {
          const input = values.slice();
          const counts = histogramBins(values, { bins, normalize: 'count' });
          expect(values).toEqual(input);
          expect(counts).toHaveLength(bins);
          const low = Math.min(...values) + 0;
          const high = Math.max(...values) + 0;
          expect(counts[0].start).toBe(low === high ? low - 0.5 : low);
          expect(counts[bins - 1].end).toBe(low === high ? high + 0.5 : high);
          for (let b = 1; b < bins; b++) expect(counts[b].start).toBe(counts[b - 1].end);
          expect(counts.reduce((sum, bin) => sum + bin.value, 0)).toBe(values.length);
          const density = histogramBins(values, { bins });
          const area = density.reduce((sum, bin) => sum + bin.value * (bin.end - bin.start), 0);
          expect(area).toBeCloseTo(1, 6);
        },
      ),
      { numRuns: 200 },
    );
  });
});
