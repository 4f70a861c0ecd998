import { PRESETS } from './suites/_presets';
import type { RunResult, Scale, SuiteDefinition } from './types';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : (v * 100).toFixed(2);
/** Paper values are stored in percent already. */
const ppct = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
const secs = (ms: number) => (ms / 1000).toFixed(0);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export interface ReportContext {
  scale: Scale;
  /** Lines about the machine and versions, from the results. */
  generatedAt?: string;
  /** Markdown for plots, inserted after the table. */
  figures?: string;
}

function header(results: RunResult[]): string[] {
  const backends = [...new Set(results.map((r) => r.backend))].join(', ') || '–';
  const revisions = [...new Set(results.map((r) => r.gitRevision ?? 'unknown'))].join(', ') || '–';
  const hosts =
    [...new Set(results.map((r) => `${r.host.cpus} cores, ${r.host.platform}`))].join('; ') || '–';
  const tfjs = [...new Set(results.map((r) => r.versions.tfjs))].join(', ');
  const node = [...new Set(results.map((r) => r.versions.node))].join(', ');
  return [
    `- backend: ${backends}; tfjs ${tfjs}; node ${node}`,
    `- machine: ${hosts}`,
    `- git revision(s): ${revisions}`,
  ];
}

/** Label keys whose value differs between results (all of them for a single result). */
export function varyingLabels(results: readonly RunResult[]): string[] {
  const keys = [...new Set(results.flatMap((r) => Object.keys(r.labels)))];
  if (results.length < 2) return keys;
  return keys.filter((k) => new Set(results.map((r) => String(r.labels[k]))).size > 1);
}

/** "key: value" for the labels every result shares (said once above the table). */
export function sharedLabels(results: readonly RunResult[]): string {
  if (results.length < 2) return '';
  const varying = new Set(varyingLabels(results));
  return Object.entries(results[0]!.labels)
    .filter(([k]) => !varying.has(k))
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

/**
 * The defense column: NONE with its variant; another defense by the run's `defense` label when
 * it has one (it tells two settings of a baseline apart, e.g. `dp-sgd-strong`); `none` when
 * the run trains no defended model.
 */
export function defenseName(r: RunResult): string {
  const d = r.defended;
  if (!d) return 'none';
  if (d.defense === 'NONE') return `NONE (${d.variant})`;
  const label = r.labels.defense;
  return label === undefined ? d.defense : String(label);
}

/**
 * Which removal columns a table needs: precision / recall where poisoned samples were scored
 * (`detection`), else the removed count alone where a defense removed clean samples (its cost).
 */
function removalColumns(results: readonly RunResult[]): { detection: boolean; removal: boolean } {
  const detection = results.some((r) => r.defended && r.defended.precision !== null);
  return { detection, removal: detection || results.some((r) => (r.defended?.removed ?? 0) > 0) };
}

/** The results table of a suite: our numbers beside the paper's for every cell. */
export function resultsTable(results: RunResult[]): string {
  if (results.length === 0) return '_No results yet._';
  // Labels that vary make the row names; the defense has its own column.
  const labelKeys = varyingLabels(results).filter((k) => k !== 'defense');
  const natural = results.some((r) => r.natural);
  const { detection, removal } = removalColumns(results);
  const columns = [
    ...labelKeys,
    'undefended BA / ASR',
    'paper',
    'defense',
    'defended BA / ASR',
    'paper',
    ...(detection ? ['removed', 'precision / recall', 'paper P / R'] : removal ? ['removed'] : []),
    ...(natural ? ['REASR undef. → def.', 'paper'] : []),
    'time undef. / def. (s)',
    'overhead',
    ...(results.some((r) => r.paper?.overhead) ? ['paper overhead'] : []),
  ];
  const lines = [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`];
  for (const r of results) {
    const p = r.paper;
    const d = r.defended;
    const cells = [
      ...labelKeys.map((k) => String(r.labels[k] ?? '')),
      `${pct(r.undefended.ba)} / ${pct(r.undefended.asr)}`,
      p && (p.undefendedBa !== undefined || p.undefendedAsr !== undefined)
        ? `${ppct(p.undefendedBa)} / ${ppct(p.undefendedAsr)}`
        : '–',
      defenseName(r),
      d ? `**${pct(d.ba)} / ${pct(d.asr)}**` : '–',
      p && (p.ba !== undefined || p.asr !== undefined) ? `${ppct(p.ba)} / ${ppct(p.asr)}` : '–',
      ...(detection
        ? [
            d ? String(d.removed) : '–',
            d && d.precision !== null
              ? `${d.removed > 0 ? pct(d.precision) : '–'} / ${pct(d.recall)}`
              : '–',
            p?.precision !== undefined ? `${ppct(p.precision)} / ${ppct(p.recall)}` : '–',
          ]
        : removal
          ? [d ? String(d.removed) : '–']
          : []),
      ...(natural
        ? [
            r.natural
              ? `${pct(mean(r.natural.undefended))} → ${r.natural.defended ? pct(mean(r.natural.defended)) : '–'}`
              : '–',
            p?.undefendedAsr !== undefined && r.natural
              ? `${ppct(p.undefendedAsr)} → ${ppct(p.asr)}`
              : '–',
          ]
        : []),
      `${secs(r.undefended.trainMs)} / ${d ? secs(d.trainMs) : '–'}`,
      d ? `${d.overhead.toFixed(2)}x` : '–',
      ...(results.some((x) => x.paper?.overhead)
        ? [p?.overhead ? `${p.overhead.toFixed(2)}x` : '–']
        : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The cell of a run: its id without the `/seedN` suffix `overSeeds` adds. */
export const cellId = (id: string) => id.replace(/\/seed\d+$/, '');

/** Mean and sample standard deviation (n - 1; 0 for one value) of the finite values. */
export function meanSd(values: readonly (number | null | undefined)[]): {
  mean: number;
  sd: number;
  n: number;
} | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  const m = mean(xs);
  const sd =
    xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
  return { mean: m, sd, n: xs.length };
}

/** "mean ± sd" in percent of fractions (the value alone for one seed, a dash for none). */
function pctSpread(values: readonly (number | null | undefined)[]): string {
  const s = meanSd(values);
  if (!s) return '–';
  return s.n < 2 ? pct(s.mean) : `${pct(s.mean)} ± ${pct(s.sd)}`;
}

/**
 * Mean ± sample sd over the seeds of each cell that has two or more (the others are in the
 * results table), or '' when none has.
 * Precision is averaged over the seeds that removed something.
 */
export function seedSummaryTable(results: RunResult[]): string {
  const cells = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = cellId(r.id);
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const multi = [...cells.values()].filter((rs) => rs.length > 1);
  if (multi.length === 0) return '';
  const labelKeys = varyingLabels(results).filter((k) => k !== 'defense' && k !== 'seed');
  const { detection, removal } = removalColumns(results);
  const columns = [
    ...labelKeys,
    'defense',
    'seeds',
    'undefended BA',
    'undefended ASR',
    'defended BA',
    'defended ASR',
    'paper',
    ...(detection ? ['removed', 'precision', 'recall'] : removal ? ['removed'] : []),
  ];
  const lines = [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`];
  for (const rs of multi) {
    const first = rs[0]!;
    const d = first.defended;
    const p = first.paper;
    const defended = rs.flatMap((r) => (r.defended ? [r.defended] : []));
    const removed = meanSd(defended.map((x) => x.removed));
    const removedCell = removed
      ? removed.n < 2
        ? removed.mean.toFixed(0)
        : `${removed.mean.toFixed(0)} ± ${removed.sd.toFixed(0)}`
      : '–';
    lines.push(
      `| ${[
        ...labelKeys.map((k) => String(first.labels[k] ?? '')),
        defenseName(first),
        rs.map((r) => r.seed).join(', '),
        pctSpread(rs.map((r) => r.undefended.ba)),
        pctSpread(rs.map((r) => r.undefended.asr)),
        d ? `**${pctSpread(defended.map((x) => x.ba))}**` : '–',
        d ? `**${pctSpread(defended.map((x) => x.asr))}**` : '–',
        p && (p.ba !== undefined || p.asr !== undefined) ? `${ppct(p.ba)} / ${ppct(p.asr)}` : '–',
        ...(detection
          ? [
              removedCell,
              pctSpread(defended.map((x) => (x.removed > 0 ? x.precision : null))),
              pctSpread(defended.map((x) => x.recall)),
            ]
          : removal
            ? [removedCell]
            : []),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The seeds a report covers: the scale's preset seeds and every seed among the results. */
export function reportSeeds(scale: Scale, results: readonly { seed: number }[]): number[] {
  return [...new Set([...PRESETS[scale].seeds, ...results.map((r) => r.seed)])].sort(
    (a, b) => a - b,
  );
}

/** A suite's Markdown report. */
export function formatSuiteReport(
  suite: SuiteDefinition,
  results: RunResult[],
  context: ReportContext,
): string {
  // The plan at the scale's own seeds; results beyond it came from `--seeds`.
  const plan = new Set(suite.runs(context.scale).map((r) => r.id));
  const onPlan = results.filter((r) => plan.has(r.id)).length;
  const extraSeeds = [...new Set(results.filter((r) => !plan.has(r.id)).map((r) => r.seed))].sort(
    (a, b) => a - b,
  );
  const finished =
    onPlan === results.length
      ? `${onPlan} of ${plan.size} runs finished.`
      : `${onPlan} of ${plan.size} runs finished on the scale's seed(s) ${PRESETS[context.scale].seeds.join(', ')}, and ${results.length - onPlan} on further seeds (${extraSeeds.join(', ')}).`;
  const summary = seedSummaryTable(results);
  const sources = [...new Set(results.flatMap((r) => (r.paper ? [r.paper.source] : [])))];
  return [
    `# ${suite.title} (\`${suite.name}\`, scale \`${context.scale}\`)`,
    '',
    suite.reproduces
      ? `Reproduces the paper's ${suite.reproduces}. ${suite.description}`
      : `An ablation of this project's, not in the paper. ${suite.description}`,
    '',
    `**Scale.** ${suite.scaleNote(context.scale)}`,
    '',
    finished,
    ...header(results),
    '',
    "BA and ASR in percent (ours in bold; the paper's beside them). Times are wall-clock training times on this machine, including, for a defense, everything it adds (probing, detection, retraining).",
    '',
    ...(sharedLabels(results) ? [`Every row: ${sharedLabels(results)}.`, ''] : []),
    resultsTable(results),
    '',
    ...(summary
      ? [
          `**Over seeds.** Mean ± sample standard deviation (n − 1) over the seeds of each cell, in percent; precision over the seeds that removed samples.`,
          '',
          summary,
          '',
        ]
      : []),
    ...(sources.length ? [`Paper cells: ${sources.join('; ')}.`, ''] : []),
    ...(context.figures ? [context.figures, ''] : []),
    `_Regenerate: \`none bench --suite ${suite.name} --scale ${context.scale}\` (finished runs are read from results.jsonl, not recomputed)._`,
    '',
  ].join('\n');
}
