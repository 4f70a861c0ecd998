// Lines with points: sensitivity curves, optionally one panel per facet.
import { BenchError } from '../errors';
import { assertRows, colorBy, faceted, firstAppearance } from './_spec';
import type { VegaLiteSpec } from './render';

/** One point of {@link lineChart}. */
export interface LinePoint {
  /** The parameter (e.g. λ, θ, poisoning rate). */
  x: number;
  /** The measure (e.g. BA or ASR). */
  y: number;
  /** The curve: its colour. */
  series: string;
  /** Optional panel. */
  facet?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  subtitle?: string;
  rows: readonly LinePoint[];
  xTitle: string;
  yTitle: string;
  /** @default 'linear' */
  xScale?: 'linear' | 'log';
  /** Fixed y range, e.g. `[0, 1]`. @default from the data */
  yDomain?: [number, number];
  /** Format of the y axis labels (d3-format), e.g. `'.0%'`. */
  yFormat?: string;
  /** Panels per row when points have a `facet`. @default 2 */
  columns?: number;
  /** @default 320 */
  width?: number;
  /** @default 220 */
  height?: number;
}

/**
 * Lines with points: sensitivity curves (x = a parameter, y = BA or ASR, colour = series),
 * optionally one panel per `facet`. Points of a series are joined in x order.
 *
 * @example
 * ```ts
 * lineChart({ title: 'λ sensitivity', xTitle: 'λ', yTitle: 'rate', rows: [
 *   { x: 1, y: 0.98, series: 'BA' }, { x: 2, y: 0.97, series: 'BA' },
 * ] });
 * ```
 */
export function lineChart(options: LineChartOptions): VegaLiteSpec {
  const { rows, width = 320, height = 220, columns = 2, xScale = 'linear' } = options;
  assertRows('lineChart', rows);
  for (const [i, r] of rows.entries()) {
    if (!Number.isFinite(r.x) || !Number.isFinite(r.y)) {
      throw new BenchError(
        'E_INVALID_ARGUMENT',
        `lineChart: rows[${i}] must have finite x and y, got (${r.x}, ${r.y})`,
      );
    }
  }
  const series = firstAppearance(rows, (r) => r.series);
  const facets = firstAppearance(rows, (r) => r.facet);
  const values = rows.map((r) => ({ x: r.x, y: r.y, series: r.series, facet: r.facet ?? '' }));
  const inner = {
    mark: { type: 'line' as const, point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative' as const,
        title: options.xTitle,
        scale: { type: xScale, zero: false },
      },
      y: {
        field: 'y',
        type: 'quantitative' as const,
        title: options.yTitle,
        ...(options.yDomain ? { scale: { domain: options.yDomain } } : {}),
        ...(options.yFormat ? { axis: { format: options.yFormat } } : {}),
      },
      color: colorBy('series', series),
    },
  };
  return faceted(options, values, facets, columns, { width, height, ...inner });
}
