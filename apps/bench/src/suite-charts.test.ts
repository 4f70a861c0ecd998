import { describe, expect, it } from 'vitest';
import { testResult } from './_test-suite';
import { oursVersusPaperRows, sensitivityPoints } from './suite-charts';
import type { RunResult } from './types';

const run = (id: string, labels: RunResult['labels'], ba: number, asr: number | null): RunResult =>
  testResult({
    id,
    labels,
    seed: Number(labels.seed ?? 0),
    undefended: { ba: 0.9, asr: 1, trainMs: 1 },
    defended: {
      defense: 'NONE',
      variant: 'consensus',
      ba,
      asr,
      trainMs: 1,
      removed: 0,
      precision: null,
      recall: 0,
      overhead: 1,
    },
    paper: { source: 'p', ba: 99, asr: 1 },
  });

describe('suite charts', () => {
  it('plots one bar per cell, the mean over its seeds, named without the seed', () => {
    const rows = oursVersusPaperRows([
      run('a/seed0', { attack: 'a', seed: 0 }, 0.96, 0.1),
      run('a/seed1', { attack: 'a', seed: 1 }, 0.98, 0.5),
      run('b/seed0', { attack: 'b', seed: 0 }, 0.5, null),
    ]);
    const pick = (cell: string, facet: string, series: string) =>
      rows.find((r) => r.cell === cell && r.facet === facet && r.series === series)?.value;
    expect(new Set(rows.map((r) => r.cell))).toEqual(new Set(['a', 'b']));
    expect(pick('a', 'BA (%)', 'ours, defended')).toBeCloseTo(97, 10);
    expect(pick('a', 'ASR (%)', 'ours, defended')).toBeCloseTo(30, 10);
    expect(pick('b', 'ASR (%)', 'ours, defended')).toBeNull();
    expect(pick('a', 'BA (%)', 'paper, defended')).toBe(99);
  });

  it('averages the seeds of a sensitivity point', () => {
    const points = sensitivityPoints([
      run('lr/0.1/seed0', { parameter: 'lr', value: 0.1, seed: 0 }, 0.9, 0.2),
      run('lr/0.1/seed1', { parameter: 'lr', value: 0.1, seed: 1 }, 0.8, 0.4),
      run('lr/0.2/seed0', { parameter: 'lr', value: 0.2, seed: 0 }, 0.7, null),
    ]);
    expect(points.map((p) => [p.x, p.series, Number(p.y.toFixed(6))])).toEqual([
      [0.1, 'BA', 85],
      [0.1, 'ASR', 30],
      [0.2, 'BA', 70],
    ]);
  });
});
