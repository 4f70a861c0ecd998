// Small images drawn as grids of rects, one facet per panel (the trigger examples figure).
import { BenchError } from '../errors';
import { assertRows, titleOf } from './_spec';
import type { VegaLiteSpec } from './render';

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
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `imageGridChart: panel titles must be unique, got ${titles.join(', ')}`,
    );
  }
  const first = panels[0]!;
  // One rect per run of equal colours in a row: MNIST-like images shrink about 5x in SVG.
  const values: { panel: string; row: number; col: number; col2: number; color: string }[] = [];
  for (const panel of panels) {
    const { height, width, channels, pixels } = panel;
    if (height !== first.height || width !== first.width) {
      throw new BenchError(
        'E_INVALID_ARGUMENT',
        `imageGridChart: every panel must be ${first.height}x${first.width}, got ${height}x${width} for '${panel.title}'`,
      );
    }
    if ((channels !== 1 && channels !== 3) || pixels.length !== height * width * channels) {
      throw new BenchError(
        'E_INVALID_ARGUMENT',
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
