import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BarRow, groupedBarChart } from './plot/grouped-bar-chart';
import { type LinePoint, lineChart } from './plot/line-chart';
import { renderChart } from './plot/render';
import { cellId, meanSd, varyingLabels } from './report';
import type { RunResult, SuiteDefinition } from './types';

/** A cell's name in a chart: the labels other than the seed that vary between the rows. */
function cellNamer(results: readonly RunResult[]) {
  const keys = varyingLabels(results).filter((k) => k !== 'seed');
  return (r: RunResult) => keys.map((k) => String(r.labels[k])).join(' / ');
}

/** The runs of each cell (its seeds), in first-seen order. */
function byCell(results: readonly RunResult[]): RunResult[][] {
  const cells = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = cellId(r.id);
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  return [...cells.values()];
}

/** The mean of the fractions, in percent, or null when none is a number. */
const meanPercent = (values: readonly (number | null | undefined)[]) => {
  const s = meanSd(values);
  return s ? s.mean * 100 : null;
};

/** BA and ASR of every cell (the mean over its seeds), ours beside the paper's, one panel per metric. */
export function oursVersusPaperRows(results: readonly RunResult[]): BarRow[] {
  const rows: BarRow[] = [];
  const cellName = cellNamer(results);
  for (const runs of byCell(results)) {
    const first = runs[0]!;
    const cell = cellName(first);
    const defended = runs.map((r) => r.defended);
    rows.push(
      {
        cell,
        facet: 'BA (%)',
        series: 'ours, undefended',
        value: meanPercent(runs.map((r) => r.undefended.ba)),
      },
      {
        cell,
        facet: 'ASR (%)',
        series: 'ours, undefended',
        value: meanPercent(runs.map((r) => r.undefended.asr)),
      },
      {
        cell,
        facet: 'BA (%)',
        series: 'ours, defended',
        value: meanPercent(defended.map((d) => d?.ba)),
      },
      {
        cell,
        facet: 'ASR (%)',
        series: 'ours, defended',
        value: meanPercent(defended.map((d) => d?.asr)),
      },
      { cell, facet: 'BA (%)', series: 'paper, defended', value: first.paper?.ba ?? null },
      { cell, facet: 'ASR (%)', series: 'paper, defended', value: first.paper?.asr ?? null },
    );
  }
  return rows;
}

/** Sensitivity curves: one panel per parameter, BA and ASR (means over seeds) against its value. */
export function sensitivityPoints(results: readonly RunResult[]): LinePoint[] {
  const points: LinePoint[] = [];
  for (const runs of byCell(results)) {
    const first = runs[0]!;
    const value = Number(first.labels.value);
    const defended = runs.flatMap((r) => (r.defended ? [r.defended] : []));
    if (!Number.isFinite(value) || defended.length === 0) continue;
    const facet = String(first.labels.parameter);
    points.push({ x: value, y: meanPercent(defended.map((d) => d.ba))!, series: 'BA', facet });
    const asr = meanPercent(defended.map((d) => d.asr));
    if (asr !== null) points.push({ x: value, y: asr, series: 'ASR', facet });
  }
  return points;
}

/**
 * Renders a suite's charts into `<dir>/figures/` and returns the Markdown that embeds them
 * (paths relative to the report).
 */
export async function renderSuiteCharts(
  suite: SuiteDefinition,
  results: readonly RunResult[],
  dir: string,
): Promise<string | undefined> {
  if (results.length === 0) return undefined;
  const figures = join(dir, 'figures');
  await mkdir(figures, { recursive: true });
  const parts: string[] = ['## Plots', ''];
  await renderChart(
    groupedBarChart({
      title: `${suite.title}: BA and ASR`,
      subtitle: "ours (undefended, defended) beside the paper's defended cell",
      rows: oursVersusPaperRows(results),
      yTitle: 'percent',
      yDomain: [0, 100],
      columns: 2,
    }),
    join(figures, 'ba-asr'),
  );
  parts.push(`![BA and ASR, ours and the paper's](figures/ba-asr.png)`, '');
  if (suite.name === 'sensitivity') {
    const points = sensitivityPoints(results);
    if (points.length > 0) {
      await renderChart(
        lineChart({
          title: "Sensitivity to NONE's parameters",
          rows: points,
          xTitle: 'parameter value',
          yTitle: 'percent',
          xScale: 'log',
          yDomain: [0, 100],
          columns: 3,
        }),
        join(figures, 'sensitivity'),
      );
      parts.push('![Sensitivity curves](figures/sensitivity.png)', '');
    }
  }
  return parts.join('\n');
}
