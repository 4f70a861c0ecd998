import type { ExperimentReport } from './experiment-report';

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

/**
 * Plain sentences for a defense that did not do its job, so a failed defense is never
 * mistaken for a working one: NONE removed nothing although the undefended model carries
 * a backdoor (ASR ≥ 50%), or the defended model's ASR stays above 10%. Empty when the
 * defense worked or no attack is known.
 *
 * @example
 * for (const line of defenseWarnings(report)) console.warn(`warning: ${line}`);
 */
export function defenseWarnings(report: ExperimentReport): string[] {
  const defended = report.defended;
  if (!defended) return [];
  const warnings: string[] = [];
  const undefendedAsr = report.undefended.asr;
  if (
    defended.defense === 'NONE' &&
    defended.removed === 0 &&
    undefendedAsr !== null &&
    undefendedAsr >= 0.5
  ) {
    warnings.push(
      `NONE removed no training sample, but the undefended model's ASR is ${percent(undefendedAsr)}: NONE did not find this backdoor`,
    );
  }
  if (defended.asr !== null && defended.asr > 0.1) {
    warnings.push(
      `the ${defended.defense}-trained model's ASR is still ${percent(defended.asr)} (above 10%): the backdoor was not removed`,
    );
  }
  return warnings;
}

/** One line on what NONE found, for runs without a known attack (a user's own data). */
export function noneFinding(report: ExperimentReport): string | null {
  const defended = report.defended;
  if (defended?.defense !== 'NONE') return null;
  const reset = defended.rounds.reduce(
    (sum, round) => sum + Object.values(round.neuronsReset).reduce((a, b) => a + b, 0),
    0,
  );
  return defended.removed === 0 && reset === 0
    ? 'NONE found no backdoor: no training sample removed, no neuron reset'
    : `NONE removed ${defended.removed} training samples and reset ${reset} neurons`;
}
