// Decision regions of a 2-D classifier with its data points on top (the paper's Fig. 4).
import { assertRows, firstAppearance, titleOf } from './_spec';
import type { VegaLiteSpec } from './render';

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
