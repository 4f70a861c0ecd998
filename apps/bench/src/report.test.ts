import { describe, expect, it } from 'vitest';
import { tinySuite } from './_test-suite';
import { formatSuiteReport, resultsTable, sharedLabels } from './report';
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
    const md = formatSuiteReport(tinySuite(), [base], { scale: 'smoke' });
    expect(md).toContain('1 of 2 runs finished');
    expect(md).toContain('**Scale.** tiny');
    expect(md).toContain('Paper cells: Table 1.');
    expect(md).toContain('backend: wasm; tfjs 4.22.0');
  });
});
