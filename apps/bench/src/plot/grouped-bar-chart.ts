// Grouped bars (ours beside the paper's), optionally one panel per metric.
import { assertRows, colorBy, faceted, firstAppearance } from './_spec';
import type { VegaLiteSpec } from './render';

/** One bar of {@link groupedBarChart}. */
export interface BarRow {
  /** The x category (e.g. a table cell: `'BadNets / NiN'`). */
  cell: string;
  /** The bar within the group (e.g. `'ours'`, `'paper'`): its colour. */
  series: string;
  /** Bar height; `null` (a missing number, e.g. no paper value) draws nothing. */
  value: number | null;
  /** Optional panel (e.g. the metric: `'BA'`, `'ASR'`), one facet each. */
  facet?: string;
}

/** Options of {@link groupedBarChart}. */
export interface GroupedBarChartOptions {
  title: string;
  subtitle?: string;
  rows: readonly BarRow[];
  /** @default 'value' */
  yTitle?: string;
  /** @default '' (the cells speak for themselves) */
  xTitle?: string;
  /** Fixed y range, e.g. `[0, 1]` for rates. @default from the data */
  yDomain?: [number, number];
  /** Panels per row when rows have a `facet`. @default 2 */
  columns?: number;
  /** Width of one panel in pixels. @default 40 per cell */
  width?: number;
  /** @default 220 */
  height?: number;
}

/**
 * Grouped bars: one group per `cell`, one bar per `series` (e.g. our number next to the
 * paper's), optionally faceted (one panel per metric). Missing values leave a gap.
 *
 * @example
 * ```ts
 * groupedBarChart({ title: 'ASR', rows: [
 *   { cell: 'BadNets', series: 'ours', value: 0.01 },
 *   { cell: 'BadNets', series: 'paper', value: 0.002 },
 * ] });
 * ```
 */
export function groupedBarChart(options: GroupedBarChartOptions): VegaLiteSpec {
  const { rows, yTitle = 'value', xTitle = '', height = 220, columns = 2 } = options;
  assertRows('groupedBarChart', rows);
  const cells = firstAppearance(rows, (r) => r.cell);
  const series = firstAppearance(rows, (r) => r.series);
  const facets = firstAppearance(rows, (r) => r.facet);
  const width = options.width ?? Math.max(120, 40 * cells.length);
  const values = rows
    .filter((r) => r.value !== null && Number.isFinite(r.value))
    .map((r) => ({ cell: r.cell, series: r.series, value: r.value, facet: r.facet ?? '' }));
  const layer = {
    width,
    height,
    mark: { type: 'bar' as const, tooltip: false },
    encoding: {
      x: {
        field: 'cell',
        type: 'nominal' as const,
        sort: cells,
        title: xTitle,
        axis: { labelAngle: cells.some((c) => c.length > 6) ? -30 : 0, labelLimit: 220 },
      },
      xOffset: { field: 'series', type: 'nominal' as const, sort: series },
      y: {
        field: 'value',
        type: 'quantitative' as const,
        title: yTitle,
        ...(options.yDomain ? { scale: { domain: options.yDomain } } : {}),
      },
      color: colorBy('series', series),
    },
  };
  return faceted(options, values, facets, columns, layer, { scale: { y: 'independent' } });
}
