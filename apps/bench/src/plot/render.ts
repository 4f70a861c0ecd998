import { writeFileAtomic } from '@none/io';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import type { Config, TopLevelSpec } from 'vega-lite';
import * as vl from 'vega-lite';
import { BenchError } from '../errors';

/** A Vega-Lite specification (any top-level view: single, layered, faceted, concatenated). */
export type VegaLiteSpec = TopLevelSpec;

/** Font family of every figure: DejaVu Sans ships with most Linux systems and with resvg's fallbacks. */
export const CHART_FONT = 'DejaVu Sans';

/**
 * The figures' theme, merged under each spec's own `config` (the spec wins): one font, fixed
 * sizes, a white background and colour-blind-safe categorical colours (Okabe and Ito), so
 * every figure of a report looks alike.
 */
export const CHART_THEME: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 10,
  title: {
    fontSize: 15,
    fontWeight: 'bold',
    anchor: 'start',
    offset: 10,
    subtitleFontSize: 11,
    subtitleColor: '#555555',
  },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e8e8e8',
    domainColor: '#888888',
    tickColor: '#888888',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  view: { stroke: '#cccccc' },
  range: {
    category: [
      '#0072B2',
      '#E69F00',
      '#009E73',
      '#D55E00',
      '#CC79A7',
      '#56B4E9',
      '#F0E442',
      '#000000',
    ],
  },
};

/** Options of {@link renderChart} and {@link renderChartToBuffers}. */
export interface RenderChartOptions {
  /**
   * Pixel ratio of the PNG relative to the SVG's CSS size (2 = sharp on high-DPI screens).
   * @default 2
   */
  pngScale?: number;
}

/** The SVG text and PNG bytes of one chart. */
export interface RenderedChart {
  svg: string;
  png: Uint8Array;
}

/** Paths written by {@link renderChart}. */
export interface RenderChartResult {
  svgPath: string;
  pngPath: string;
}

/**
 * resvg's fonts: the system's, with {@link CHART_FONT} for text whose family is missing. The
 * same machine gives the same PNG; another machine's fonts may shift glyphs (the SVG is the
 * portable output).
 */
const RESVG_FONTS = { loadSystemFonts: true, defaultFontFamily: CHART_FONT } as const;

/**
 * The SVG of a Vega-Lite spec, rendered headless (Vega's `renderer: 'none'`, no canvas, no
 * network: only inline data). The output depends only on the spec: no timestamps, no ids.
 *
 * @throws {BenchError} `E_RENDER` when the spec does not compile (Vega-Lite's message) or names a
 *   data url
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  let compiled: vega.Spec;
  try {
    compiled = vl.compile(spec, { config: CHART_THEME }).spec;
  } catch (cause) {
    throw new BenchError(
      'E_RENDER',
      `renderSvg: the chart spec does not compile: ${(cause as Error).message}`,
      { cause },
    );
  }
  const url = findDataUrl(compiled);
  if (url !== undefined) {
    throw new BenchError(
      'E_RENDER',
      `renderSvg: charts must carry their data inline (data.values), got a data url ${url}`,
    );
  }
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    logLevel: vega.Error,
    // Figures carry their data inline; refuse any URL or file a spec might name.
    loader: {
      load: () =>
        Promise.reject(
          new BenchError('E_RENDER', 'renderSvg: charts must use inline data (data.values)'),
        ),
      sanitize: () =>
        Promise.reject(new BenchError('E_RENDER', 'renderSvg: charts must use inline data')),
      http: () => Promise.reject(new BenchError('E_RENDER', 'renderSvg: no network access')),
      file: () => Promise.reject(new BenchError('E_RENDER', 'renderSvg: no file access')),
    } as unknown as vega.Loader,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The first `url` of a data set in a compiled Vega spec (at any nesting level), if any. */
function findDataUrl(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const url = findDataUrl(item);
      if (url !== undefined) return url;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (Array.isArray(record.data)) {
    for (const data of record.data as Record<string, unknown>[]) {
      if (typeof data?.url === 'string' || (typeof data?.url === 'object' && data.url !== null)) {
        return JSON.stringify(data.url);
      }
    }
  }
  return findDataUrl(record.marks);
}

/** PNG bytes of an SVG, rasterised by resvg at `scale` times its size. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 8)) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `svgToPng: scale must be a number in (0, 8], got ${scale}`,
    );
  }
  const rendered = new Resvg(svg, {
    font: RESVG_FONTS,
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  }).render();
  return new Uint8Array(rendered.asPng());
}

/**
 * Renders a chart to SVG text and PNG bytes in memory (what {@link renderChart} writes).
 * Same spec, same bytes.
 */
export async function renderChartToBuffers(
  spec: VegaLiteSpec,
  options: RenderChartOptions = {},
): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { svg, png: svgToPng(svg, options.pngScale ?? 2) };
}

/**
 * Renders a Vega-Lite chart with the figures' theme ({@link CHART_THEME}) and writes
 * `<outBase>.svg` and `<outBase>.png`, each atomically (temporary file + rename), so a reader
 * never sees a half-written figure. The bytes depend only on the spec.
 *
 * @example
 * ```ts
 * const { pngPath } = await renderChart(
 *   groupedBarChart({ title: 'BA', rows: [{ cell: 'BadNets', series: 'ours', value: 0.98 }] }),
 *   'report/figures/ba',
 * ); // 'report/figures/ba.png'
 * ```
 */
export async function renderChart(
  spec: VegaLiteSpec,
  outBase: string,
  options: RenderChartOptions = {},
): Promise<RenderChartResult> {
  const { svg, png } = await renderChartToBuffers(spec, options);
  const svgPath = `${outBase}.svg`;
  const pngPath = `${outBase}.png`;
  await writeFileAtomic(svgPath, svg);
  await writeFileAtomic(pngPath, png);
  return { svgPath, pngPath };
}
