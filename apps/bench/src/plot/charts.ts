import type { VegaLiteSpec } from './render';

// Reusable Vega-Lite spec builders for the bench's figures. Each takes plain rows (the data it
// plots, inline) and returns a spec for `renderChart`. Facet, panel and series orders are the
// order of first appearance in the rows, never alphabetical, so callers control the layout.

/** Order of first appearance of a key in rows. */
function firstAppearance<T>(rows: readonly T[], key: (row: T) => string | undefined): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    const value = key(row);
    if (value !== undefined) seen.add(value);
  }
  return [...seen];
}

function assertRows(fn: string, rows: readonly unknown[]): void {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new RangeError(`${fn}: rows must be a non-empty array, got ${String(rows?.length)} rows`);
  }
}

function titleOf(title: string, subtitle?: string) {
  return subtitle === undefined ? { text: title } : { text: title, subtitle };
}

/** A nominal colour channel in the given order, legend on top, no title. */
function colorBy(field: string, order: string[]) {
  return {
    field,
    type: 'nominal' as const,
    sort: order,
    title: null,
    legend: { orient: 'top' as const },
  };
}

/**
 * The whole spec around one panel `panel` (mark, encoding, size): the panel itself when
 * there are no facets, else one panel per facet value (rows' `facet` field), `columns` a row.
 */
function faceted(
  options: { title: string; subtitle?: string },
  values: readonly object[],
  facets: string[],
  columns: number,
  panel: Record<string, unknown>,
  resolve?: Record<string, unknown>,
): VegaLiteSpec {
  const title = titleOf(options.title, options.subtitle);
  if (facets.length === 0) return { title, data: { values }, ...panel } as unknown as VegaLiteSpec;
  return {
    title,
    data: { values },
    facet: { field: 'facet', type: 'nominal', sort: facets, title: null },
    columns,
    spec: panel,
    ...(resolve ? { resolve } : {}),
  } as unknown as VegaLiteSpec;
}

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
      throw new RangeError(`lineChart: rows[${i}] must have finite x and y, got (${r.x}, ${r.y})`);
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

/** Options of {@link histogramBins}. */
export interface HistogramBinsOptions {
  /** Number of equal-width bins. @default 30 */
  bins?: number;
  /** Range of the bins. @default [min, max] of the values */
  extent?: [number, number];
  /**
   * `'count'`, or `'density'` (count / (n x bin width): the bars of a group integrate to 1, so
   * groups of different sizes compare). @default 'density'
   */
  normalize?: 'count' | 'density';
}

/**
 * Equal-width histogram of `values` over `extent` (the last bin includes its right edge;
 * values outside the extent or not finite are left out).
 *
 * @example
 * ```ts
 * histogramBins([0, 1, 1, 2], { bins: 2, normalize: 'count' });
 * // [{ start: 0, end: 1, value: 1 }, { start: 1, end: 2, value: 3 }]
 * ```
 */
export function histogramBins(
  values: ArrayLike<number>,
  options: HistogramBinsOptions = {},
): { start: number; end: number; value: number }[] {
  const { bins = 30, normalize = 'density' } = options;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`histogramBins: bins must be a positive integer, got ${bins}`);
  }
  let [low, high] = options.extent ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  if (!options.extent) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
    if (low > high) [low, high] = [0, 1];
  }
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new RangeError(`histogramBins: extent must be finite [low, high], got [${low}, ${high}]`);
  }
  if (high === low) {
    low -= 0.5;
    high += 0.5;
  }
  const width = (high - low) / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= low && v <= high)) continue;
    counts[Math.min(bins - 1, Math.floor((v - low) / width))]! += 1;
    total += 1;
  }
  const scale = normalize === 'density' ? (total > 0 ? 1 / (total * width) : 0) : 1;
  return Array.from(counts, (count, b) => ({
    start: low + b * width,
    end: b === bins - 1 ? high : low + (b + 1) * width,
    value: count * scale,
  }));
}

/** Options of {@link histogramOverlayChart}. */
export interface HistogramOverlayChartOptions {
  title: string;
  subtitle?: string;
  /** Bars, e.g. from {@link histogramBins} per group and facet. */
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

/** One small image of {@link imageGridChart}: HWC values in [0, 1]. */
export interface ImagePanel {
  /** Panel header; must be unique. */
  title: string;
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB). */
  channels: number;
  /** `height * width * channels` values in [0, 1], row-major HWC (clamped when drawn). */
  pixels: ArrayLike<number>;
}

/** Options of {@link imageGridChart}. */
export interface ImageGridChartOptions {
  title: string;
  subtitle?: string;
  panels: readonly ImagePanel[];
  /** Panels per row. @default 5 */
  columns?: number;
  /** Screen pixels per image pixel. @default 4 */
  pixelSize?: number;
}

function hex(value: number): string {
  const byte = Math.round(Math.min(1, Math.max(0, value)) * 255);
  return byte.toString(16).padStart(2, '0');
}

/**
 * Small images drawn as grids of rects (one per pixel, its own colour), one facet per panel:
 * the trigger examples of the paper's Fig. 3. Panels keep their order.
 */
export function imageGridChart(options: ImageGridChartOptions): VegaLiteSpec {
  const { panels, columns = 5, pixelSize = 4 } = options;
  assertRows('imageGridChart', panels);
  const titles = panels.map((p) => p.title);
  if (new Set(titles).size !== titles.length) {
    throw new RangeError(`imageGridChart: panel titles must be unique, got ${titles.join(', ')}`);
  }
  const first = panels[0]!;
  // One rect per run of equal colours in a row: MNIST-like images shrink about 5x in SVG.
  const values: { panel: string; row: number; col: number; col2: number; color: string }[] = [];
  for (const panel of panels) {
    const { height, width, channels, pixels } = panel;
    if (height !== first.height || width !== first.width) {
      throw new RangeError(
        `imageGridChart: every panel must be ${first.height}x${first.width}, got ${height}x${width} for '${panel.title}'`,
      );
    }
    if ((channels !== 1 && channels !== 3) || pixels.length !== height * width * channels) {
      throw new RangeError(
        `imageGridChart: panel '${panel.title}' must hold height*width*channels values with 1 or 3 channels, got ${pixels.length} values, ${channels} channels`,
      );
    }
    const colorAt = (row: number, col: number): string => {
      const offset = (row * width + col) * channels;
      const r = hex(pixels[offset]!);
      return channels === 1
        ? `#${r}${r}${r}`
        : `#${r}${hex(pixels[offset + 1]!)}${hex(pixels[offset + 2]!)}`;
    };
    for (let row = 0; row < height; row++) {
      let start = 0;
      let color = colorAt(row, 0);
      for (let col = 1; col <= width; col++) {
        const next = col < width ? colorAt(row, col) : '';
        if (next !== color) {
          values.push({ panel: panel.title, row, col: start, col2: col, color });
          start = col;
          color = next;
        }
      }
    }
  }
  return {
    title: titleOf(options.title, options.subtitle),
    data: { values },
    transform: [{ calculate: 'datum.row + 1', as: 'row2' }],
    facet: {
      field: 'panel',
      type: 'nominal',
      sort: titles,
      title: null,
      header: { labelFontSize: 11, labelPadding: 4 },
    },
    columns,
    spec: {
      width: first.width * pixelSize,
      height: first.height * pixelSize,
      view: { stroke: '#999999' },
      mark: { type: 'rect', strokeWidth: 0 },
      encoding: {
        x: {
          field: 'col',
          type: 'quantitative',
          axis: null,
          scale: { domain: [0, first.width], nice: false },
        },
        x2: { field: 'col2' },
        y: {
          field: 'row',
          type: 'quantitative',
          axis: null,
          scale: { domain: [0, first.height], nice: false, reverse: true },
        },
        y2: { field: 'row2' },
        color: { field: 'color', type: 'nominal', scale: null, legend: null },
      },
    },
  };
}

/** One cell of the prediction grid of {@link decisionRegionChart}. */
export interface RegionCell {
  /** Panel (e.g. `'SGD, 10%'`); a newline starts a second header line. */
  facet: string;
  /** Row of panels (e.g. the optimizer); panels without one share a single row group. */
  row?: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Predicted class. */
  label: number;
}

/** One data point of {@link decisionRegionChart}. */
export interface RegionPoint {
  facet: string;
  row?: string;
  x: number;
  y: number;
  /** Its (training) label. */
  label: number;
  /** `true` for a poisoned point: drawn as a cross. */
  poisoned?: boolean;
}

/** Options of {@link decisionRegionChart}. */
export interface DecisionRegionChartOptions {
  title: string;
  subtitle?: string;
  cells: readonly RegionCell[];
  points: readonly RegionPoint[];
  /** Horizontal reference lines drawn in every panel (e.g. the trigger `y = 0.6`). */
  ruleY?: number[];
  /** Panels per row within a row group. @default 4 */
  columns?: number;
  /** Size of one panel in pixels. @default 220 */
  size?: number;
}

/**
 * Decision regions of a 2-D classifier: the predicted class of each grid cell as a pale
 * colour, the data points on top in the strong colour of their label (crosses for poisoned
 * ones), one panel per facet, one block of rows per `row` value (e.g. SGD above DP-SGD).
 * Classes use the category10 colours (class 3 is red, as the target of the paper's Fig. 4).
 */
export function decisionRegionChart(options: DecisionRegionChartOptions): VegaLiteSpec {
  const { cells, points, columns = 4, size = 220, ruleY = [] } = options;
  assertRows('decisionRegionChart', cells);
  const facets = firstAppearance(cells, (c) => c.facet);
  const rowOfFacet = new Map(cells.map((c) => [c.facet, c.row ?? '']));
  const rows = firstAppearance(cells, (c) => c.row ?? '');
  const classes = [...new Set([...cells.map((c) => c.label), ...points.map((p) => p.label)])]
    .sort((a, b) => a - b)
    .map((k) => `class ${k}`);
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const c of cells) {
    xMin = Math.min(xMin, c.x0);
    xMax = Math.max(xMax, c.x1);
    yMin = Math.min(yMin, c.y0);
    yMax = Math.max(yMax, c.y1);
  }
  const values = [
    ...cells.map((c) => ({ kind: 'cell', ...c, row: c.row ?? '', class: `class ${c.label}` })),
    ...points.map((p) => ({
      kind: p.poisoned ? 'poisoned' : 'point',
      facet: p.facet,
      row: p.row ?? '',
      x: p.x,
      y: p.y,
      class: `class ${p.label}`,
    })),
    ...facets.flatMap((facet) =>
      ruleY.map((y) => ({ kind: 'rule', facet, row: rowOfFacet.get(facet), ry: y })),
    ),
  ];
  const color = {
    field: 'class',
    type: 'nominal' as const,
    title: null,
    scale: { domain: classes, scheme: 'category10' },
    legend: { orient: 'top' as const },
  };
  const xScale = { domain: [xMin, xMax] as [number, number], nice: false, zero: false };
  const yScale = { domain: [yMin, yMax] as [number, number], nice: false, zero: false };
  const panel = {
    width: size,
    height: size,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'cell'" }],
        mark: { type: 'rect' as const, opacity: 0.35, strokeWidth: 0 },
        encoding: {
          x: { field: 'x0', type: 'quantitative' as const, scale: xScale, title: 'x' },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative' as const, scale: yScale, title: 'y' },
          y2: { field: 'y1' },
          color,
        },
      },
      {
        transform: [{ filter: "datum.kind === 'point'" }],
        mark: {
          type: 'circle' as const,
          size: 14,
          opacity: 0.9,
          stroke: 'white',
          strokeWidth: 0.4,
        },
        encoding: {
          x: { field: 'x', type: 'quantitative' as const },
          y: { field: 'y', type: 'quantitative' as const },
          color,
        },
      },
      {
        transform: [{ filter: "datum.kind === 'poisoned'" }],
        mark: { type: 'point' as const, shape: 'cross', size: 30, filled: true, opacity: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative' as const },
          y: { field: 'y', type: 'quantitative' as const },
          color,
        },
      },
      {
        transform: [{ filter: "datum.kind === 'rule'" }],
        mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#333333' },
        encoding: { y: { field: 'ry', type: 'quantitative' as const } },
      },
    ],
  };
  const facetOf = (row: string) => ({
    field: 'facet',
    type: 'nominal' as const,
    sort: facets.filter((f) => rowOfFacet.get(f) === row),
    title: null,
    // A newline in a facet name starts a second header line.
    header: { labelExpr: "split(datum.value, '\\n')" },
  });
  if (rows.length === 1) {
    return {
      title: titleOf(options.title, options.subtitle),
      data: { values },
      facet: facetOf(rows[0]!),
      columns,
      spec: panel,
    };
  }
  return {
    title: titleOf(options.title, options.subtitle),
    data: { values },
    vconcat: rows.map((row) => ({
      transform: [{ filter: { field: 'row', equal: row } }],
      facet: facetOf(row),
      columns,
      spec: panel,
    })),
  };
}
