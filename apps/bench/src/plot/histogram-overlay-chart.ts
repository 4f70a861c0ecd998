// Overlaid histograms, one translucent colour per group (bins from `histogramBins` of
// `@none/stats`).
import { assertRows, colorBy, faceted, firstAppearance } from './_spec';
import type { VegaLiteSpec } from './render';

/** One histogram bar of {@link histogramOverlayChart}: `[start, end)` with its height. */
export interface HistogramBin {
  /** The distribution (e.g. `'benign'`, `'triggered'`): its colour. */
  group: string;
  start: number;
  end: number;
  /** Height: a count or a density. */
  value: number;
  /** Optional panel (e.g. the model). */
  facet?: string;
}

/** Options of {@link histogramOverlayChart}. */
export interface HistogramOverlayChartOptions {
  title: string;
  subtitle?: string;
  /** Bars, e.g. from `histogramBins` of `@none/stats` per group and facet. */
  rows: readonly HistogramBin[];
  xTitle: string;
  /** @default 'density' */
  yTitle?: string;
  /** Panels per row when bins have a `facet`. @default 2 */
  columns?: number;
  /** @default 300 */
  width?: number;
  /** @default 200 */
  height?: number;
}

/**
 * Overlaid histograms (one translucent colour per group), optionally one panel per facet with
 * its own axes: e.g. a neuron's pre-activation values on benign vs triggered inputs.
 */
export function histogramOverlayChart(options: HistogramOverlayChartOptions): VegaLiteSpec {
  const { rows, width = 300, height = 200, columns = 2, yTitle = 'density' } = options;
  assertRows('histogramOverlayChart', rows);
  const groups = firstAppearance(rows, (r) => r.group);
  const facets = firstAppearance(rows, (r) => r.facet);
  const values = rows.map((r) => ({
    group: r.group,
    start: r.start,
    end: r.end,
    value: r.value,
    facet: r.facet ?? '',
  }));
  const inner = {
    mark: { type: 'rect' as const, opacity: 0.55, stroke: 'white', strokeWidth: 0.3 },
    encoding: {
      x: {
        field: 'start',
        type: 'quantitative' as const,
        title: options.xTitle,
        scale: { zero: false },
      },
      x2: { field: 'end' },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle, stack: null },
      y2: { datum: 0 },
      color: colorBy('group', groups),
    },
  };
  return faceted(
    options,
    values,
    facets,
    columns,
    { width, height, ...inner },
    {
      scale: { x: 'independent', y: 'independent' },
    },
  );
}
