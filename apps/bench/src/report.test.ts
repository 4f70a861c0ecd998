import { describe, expect, it } from 'vitest';
import { tinySuite } from './_test-suite';
import {
  cellId,
  defenseName,
  formatSuiteReport,
  meanSd,
  resultsTable,
  seedSummaryTable,
  sharedLabels,
} from './report';
import type { RunResult } from './types';

const base: RunResult = {
  format: 1,
  suite: 'tiny',
  scale: 'smoke',
  id: 'a',
  labels: { attack: 'badnets' },
  configHash: 'h',
  seed: 0,
  gitRevision: 'abc',
  backend: 'wasm',
  versions: { node: 'v20', tfjs: '4.22.0' },
  host: { cpus: 2, platform: 'linux' },
  startedAt: '',
  wallMs: 1000,
  undefended: { ba: 0.971, asr: 0.9972, trainMs: 47_000 },
  defended: {
    defense: 'NONE',
    variant: 'consensus',
    ba: 0.97,
    asr: 0.0028,
    trainMs: 65_800,
    removed: 404,
    precision: 0.9876,
    recall: 0.9975,
    overhead: 1.4,
  },
  paper: { source: 'Table 1', ba: 99.58, asr: 0.06, undefendedBa: 99.65, undefendedAsr: 99.96 },
};

describe('report', () => {
  it("puts our numbers (percent, 2 decimals) beside the paper's", () => {
    const table = resultsTable([base]);
    const row = table.split('\n')[2]!;
    expect(row).toBe(
      '| badnets | 97.10 / 99.72 | 99.65 / 99.96 | NONE (consensus) | **97.00 / 0.28** | 99.58 / 0.06 | 404 | 98.76 / 99.75 | – | 47 / 66 | 1.40x |',
    );
  });

  it('shows REASR columns for natural runs and a dash where the paper has no cell', () => {
    const natural: RunResult = {
      ...base,
      paper: undefined,
      natural: { budgets: [0.02, 0.04], undefended: [0.5, 0.7], defended: [0.2, 0.4] },
    };
    const row = resultsTable([natural]).split('\n')[2]!;
    expect(row).toContain('| 60.00 → 30.00 | – |');
  });

  it('counts the removed samples on clean data, where there is no precision or recall', () => {
    const clean = (id: string, removed: number): RunResult => ({
      ...base,
      id,
      labels: { network: id },
      undefended: { ...base.undefended, asr: null },
      defended: { ...base.defended!, asr: null, removed, precision: null, recall: null },
      paper: undefined,
    });
    const table = resultsTable([clean('mlp', 536), clean('cnn', 0)]).split('\n');
    expect(table[0]).toBe(
      '| network | undefended BA / ASR | paper | defense | defended BA / ASR | paper | removed | time undef. / def. (s) | overhead |',
    );
    expect(table[2]).toContain('| 536 |');
    expect(table[3]).toContain('| 0 |');
    // Nothing removed anywhere: no column.
    expect(resultsTable([clean('cnn', 0)]).split('\n')[0]).not.toContain('removed');
  });

  it('names rows by the labels that vary and states the shared ones once', () => {
    const a = { ...base, labels: { attack: 'badnets', network: 'small CNN', defense: 'NONE' } };
    const b = {
      ...base,
      id: 'b',
      labels: { attack: 'blend', network: 'small CNN', defense: 'NONE' },
    };
    const table = resultsTable([a, b]);
    expect(table.split('\n')[0]!.startsWith('| attack | undefended BA / ASR |')).toBe(true);
    expect(sharedLabels([a, b])).toBe('network: small CNN; defense: NONE');
    expect(formatSuiteReport(tinySuite(), [a, b], { scale: 'smoke' })).toContain(
      'Every row: network: small CNN; defense: NONE.',
    );
  });

  it('says how many runs finished, the scale and where the paper cells come from', () => {
    const md = formatSuiteReport(tinySuite(), [{ ...base, id: 'plain' }], { scale: 'smoke' });
    expect(md).toContain('1 of 2 runs finished');
    expect(md).toContain('**Scale.** tiny');
    expect(md).toContain('Paper cells: Table 1.');
    expect(md).toContain('backend: wasm; tfjs 4.22.0');
  });
  it('names a baseline by its defense label, NONE by its variant', () => {
    const dp = {
      ...base,
      labels: { defense: 'dp-sgd-strong' },
      defended: { ...base.defended!, defense: 'dp-sgd', variant: 'strong' },
    };
    expect(defenseName(dp)).toBe('dp-sgd-strong');
    expect(defenseName({ ...dp, labels: {} })).toBe('dp-sgd');
    expect(defenseName({ ...base, labels: { defense: 'NONE' } })).toBe('NONE (consensus)');
    expect(defenseName({ ...base, defended: null })).toBe('none');
  });

  describe('over seeds', () => {
    const seeded = (
      seed: number,
      ba: number,
      asr: number,
      removed: number,
      p: number | null,
      r: number,
    ) => ({
      ...base,
      id: `cell/seed${seed}`,
      seed,
      labels: { attack: 'badnets', seed },
      undefended: { ...base.undefended, ba: 0.96 },
      defended: { ...base.defended!, ba, asr, removed, precision: p, recall: r },
    });
    const three = [
      seeded(0, 0.97, 0.01, 400, 0.98, 0.99),
      seeded(1, 0.98, 0.02, 410, 1, 1),
      seeded(2, 0.99, 0.06, 0, null, 0),
    ];

    it('computes the mean and the sample sd (n - 1)', () => {
      // 0.01, 0.02, 0.06: mean 0.03, squared deviations 4e-4 + 1e-4 + 9e-4 over 2 = 7e-4.
      const s = meanSd([0.01, 0.02, 0.06, null])!;
      expect(s.n).toBe(3);
      expect(s.mean).toBeCloseTo(0.03, 12);
      expect(s.sd).toBeCloseTo(Math.sqrt(7e-4), 12);
      expect(meanSd([5])).toEqual({ mean: 5, sd: 0, n: 1 });
      expect(meanSd([null, undefined])).toBeNull();
      expect(cellId('badnets-single/small-cnn/NONE/seed12')).toBe('badnets-single/small-cnn/NONE');
    });

    it('writes one row per cell of two or more seeds with mean ± sd, precision over the seeds that removed samples', () => {
      const one = {
        ...seeded(0, 0.9, 0.5, 10, 0.5, 0.25),
        id: 'other/seed0',
        labels: { attack: 'blend', seed: 0 },
      };
      const table = seedSummaryTable([...three, one]).split('\n');
      expect(table[0]).toBe(
        '| attack | defense | seeds | undefended BA | undefended ASR | defended BA | defended ASR | paper | removed | precision | recall |',
      );
      // BA 97/98/99 -> 98 ± 1; ASR 3 ± sqrt(7); removed 400/410/0 -> 270 ± 233.88;
      // precision 98/100 (seed 2 removed none) -> 99 ± 1.41; recall 99/100/0 -> 66.33 ± 57.45.
      expect(table[2]).toBe(
        '| badnets | NONE (consensus) | 0, 1, 2 | 96.00 ± 0.00 | 99.72 ± 0.00 | **98.00 ± 1.00** | **3.00 ± 2.65** | 99.58 / 0.06 | 270 ± 234 | 99.00 ± 1.41 | 66.33 ± 57.45 |',
      );
      // A cell with one seed is in the results table only.
      expect(table).toHaveLength(3);
    });

    it('is left out when no cell has two seeds, and added to the report when one has', () => {
      expect(seedSummaryTable([three[0]!])).toBe('');
      expect(formatSuiteReport(tinySuite(), [three[0]!], { scale: 'smoke' })).not.toContain(
        'Over seeds',
      );
      // A suite whose plan at the scale's seed holds seed 0 of the cell.
      const suite = {
        ...tinySuite(),
        runs: () => [{ ...tinySuite().runs('smoke')[0]!, id: 'cell/seed0' }],
      };
      const md = formatSuiteReport(suite, three, { scale: 'smoke' });
      expect(md).toContain('**Over seeds.**');
      expect(md).toContain(
        "1 of 1 runs finished on the scale's seed(s) 0, and 2 on further seeds (1, 2).",
      );
    });
  });
});
