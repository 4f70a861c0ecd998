import type { ExperimentReport } from '@none/experiment';

const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '-' : `${(value * 100).toFixed(2)}%`;

/** The summary table printed at the end of `none train`. */
export function formatSummary(report: ExperimentReport): string {
  const rows: string[][] = [['', 'BA', 'ASR', 'time', 'removed', 'precision', 'recall']];
  const u = report.undefended;
  rows.push([
    'undefended',
    percent(u.ba),
    percent(u.asr),
    `${(u.trainMs / 1000).toFixed(1)} s`,
    '-',
    '-',
    '-',
  ]);
  const d = report.defended;
  if (d) {
    rows.push([
      `${d.defense} (${d.variant})`,
      percent(d.ba),
      percent(d.asr),
      `${(d.trainMs / 1000).toFixed(1)} s (${d.overhead.toFixed(2)}x)`,
      String(d.removed),
      d.removed === 0 ? '–' : percent(d.precision),
      percent(d.recall),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
