import { describe, expect, it } from 'vitest';
import type { ExperimentReport } from './experiment-report';
import { defenseWarnings, noneFinding } from './report-warnings';

function report(
  undefendedAsr: number | null,
  defended: { asr: number | null; removed: number; reset?: number },
) {
  return {
    undefended: { ba: 0.97, asr: undefendedAsr, trainMs: 1, epochs: 10 },
    defended: {
      defense: 'NONE',
      ba: 0.97,
      asr: defended.asr,
      removed: defended.removed,
      rounds: [{ neuronsReset: { conv2: defended.reset ?? 0 } }],
    },
  } as unknown as ExperimentReport;
}

describe('defenseWarnings', () => {
  it('is silent when the backdoor was removed', () => {
    expect(defenseWarnings(report(0.998, { asr: 0.002, removed: 400, reset: 20 }))).toEqual([]);
  });

  it('says NONE found nothing while the undefended model is backdoored, and that the ASR stayed', () => {
    const warnings = defenseWarnings(report(0.9967, { asr: 0.9967, removed: 0 }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('NONE removed no training sample');
    expect(warnings[0]).toContain('99.67%');
    expect(warnings[1]).toContain('still 99.67%');
  });

  it('warns on a defended ASR above 10% even when samples were removed', () => {
    const warnings = defenseWarnings(report(0.99, { asr: 0.2438, removed: 400 }));
    expect(warnings).toEqual([
      "the NONE-trained model's ASR is still 24.38% (above 10%): the backdoor was not removed",
    ]);
  });

  it('is silent without a known attack (no ASR) and at an ASR of exactly 10%', () => {
    expect(defenseWarnings(report(null, { asr: null, removed: 0 }))).toEqual([]);
    expect(defenseWarnings(report(0.3, { asr: 0.1, removed: 0 }))).toEqual([]);
  });
});

describe('noneFinding', () => {
  it('states plainly that nothing was found, or what was removed and reset', () => {
    expect(noneFinding(report(null, { asr: null, removed: 0 }))).toBe(
      'NONE found no backdoor: no training sample removed, no neuron reset',
    );
    expect(noneFinding(report(null, { asr: null, removed: 12, reset: 3 }))).toBe(
      'NONE removed 12 training samples and reset 3 neurons',
    );
  });
});
