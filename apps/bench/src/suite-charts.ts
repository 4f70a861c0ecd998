import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BarRow, groupedBarChart, type LinePoint, lineChart } from './plot/charts';
import { renderChart } from './plot/render';
import { varyingLabels } from './report';
import type { RunResult, SuiteDefinition } from './types';

/** A row's name in a chart: the labels that vary between the rows. */
function cellNamer(results: readonly RunResult[]) {
  const keys = varyingLabels(results);
  return (r: RunResult) => keys.map((k) => String(r.labels[k])).join(' / ');
}

const percent = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 100);

/** BA and ASR of every cell, ours beside the paper's, one panel per metric. */
export function oursVersusPaperRows(results: readonly RunResult[]): BarRow[] {
  const rows: BarRow[] = [];
  const cellName = cellNamer(results);
  for (const r of results) {
    const cell = cellName(r);
    const d = r.defended;
    rows.push(
      { cell, facet: 'BA (%)', series: 'ours, undefended', value: percent(r.undefended.ba) },
      { cell, facet: 'ASR (%)', series: 'ours, undefended', value: percent(r.undefended.asr) },
      { cell, facet: 'BA (%)', series: 'ours, defended', value: percent(d?.ba) },
      { cell, facet: 'ASR (%)', series: 'ours, defended', value: percent(d?.asr) },
      { cell, facet: 'BA (%)', series: 'paper, defended', value: r.paper?.ba ?? null },
      { cell, facet: 'ASR (%)', series: 'paper, defended', value: r.paper?.asr ?? null },
    );
  }
  return rows;
}

/** Sensitivity curves: one panel per parameter, BA and ASR against its value. */
export function sensitivityPoints(results: readonly RunResult[]): LinePoint[] {
  const points: LinePoint[] = [];
  for (const r of results) {
    const value = Number(r.labels.value);
    if (!Number.isFinite(value) || !r.defended) continue;
    const facet = String(r.labels.parameter);
    points.push({ x: value, y: r.defended.ba * 100, series: 'BA', facet });
    if (r.defended.asr !== null)
      points.push({ x: value, y: r.defended.asr * 100, series: 'ASR', facet });
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
