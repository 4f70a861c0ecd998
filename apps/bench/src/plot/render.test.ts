import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupedBarChart } from './grouped-bar-chart';
import { imageGridChart } from './image-grid-chart';
import { lineChart } from './line-chart';
import { renderChart, renderChartToBuffers, renderSvg, svgToPng } from './render';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

/** PNG width and height from the IHDR chunk (bytes 16..24, big-endian). */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

const bars = groupedBarChart({
  title: 'BA ours vs paper',
  rows: [
    { cell: 'BadNets', series: 'ours', value: 0.98, facet: 'BA' },
    { cell: 'BadNets', series: 'paper', value: 0.99, facet: 'BA' },
    { cell: 'Blend', series: 'ours', value: 0.97, facet: 'BA' },
    { cell: 'Blend', series: 'paper', value: null, facet: 'BA' },
    { cell: 'BadNets', series: 'ours', value: 0.01, facet: 'ASR' },
    { cell: 'BadNets', series: 'paper', value: 0.002, facet: 'ASR' },
  ],
});

describe('renderChart', () => {
  it('writes an SVG with the title and a PNG, and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'none-plot-'));
    directories.push(dir);
    const { svgPath, pngPath } = await renderChart(bars, join(dir, 'nested', 'bars'));
    expect(svgPath).toBe(join(dir, 'nested', 'bars.svg'));
    expect(pngPath).toBe(join(dir, 'nested', 'bars.png'));
    const svg = await readFile(svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('BA ours vs paper');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const png = new Uint8Array(await readFile(pngPath));
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(png.length).toBeGreaterThan(1000);
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual(['bars.png', 'bars.svg']);
  });

  it('is deterministic: the same spec gives the same bytes', async () => {
    const first = await renderChartToBuffers(bars);
    const second = await renderChartToBuffers(structuredClone(bars));
    expect(second.svg).toBe(first.svg);
    expect(Buffer.from(second.png).equals(Buffer.from(first.png))).toBe(true);
  });

  it('rasterises at pngScale times the SVG size', async () => {
    const svg = await renderSvg(bars);
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(pngSize(svgToPng(svg, 1))).toEqual([width, height]);
    expect(pngSize(svgToPng(svg, 2))).toEqual([2 * width, 2 * height]);
    expect(() => svgToPng(svg, 0)).toThrow(/scale must be a number in \(0, 8\], got 0/);
  });

  it('refuses data URLs: figures carry their data inline', async () => {
    await expect(
      renderSvg({ data: { url: 'https://example.com/data.csv' }, mark: 'point' }),
    ).rejects.toThrow(
      /must carry their data inline .* got a data url "https:\/\/example.com\/data.csv"/,
    );
  });
});

describe('chart builders', () => {
  it('render every chart kind with its title and data marks', async () => {
    const line = lineChart({
      title: 'lambda sensitivity',
      xTitle: 'λ',
      yTitle: 'rate',
      rows: [1, 2, 3].flatMap((x) => [
        { x, y: 0.9 + x / 100, series: 'BA' },
        { x, y: 0.5 / x, series: 'ASR' },
      ]),
    });
    const grid = imageGridChart({
      title: 'two images',
      panels: [
        { title: 'black', height: 2, width: 3, channels: 1, pixels: new Float32Array(6) },
        {
          title: 'rgb',
          height: 2,
          width: 3,
          channels: 3,
          pixels: Float32Array.from({ length: 18 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
        },
      ],
    });
    for (const [spec, title] of [
      [line, 'lambda sensitivity'],
      [grid, 'two images'],
    ] as const) {
      const svg = await renderSvg(spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(title);
    }
    // A black 2x3 panel is two runs (one per row); the red one too: 4 rects of those colours.
    const svg = await renderSvg(grid);
    expect(svg.match(/fill="#000000"/g)).toHaveLength(2);
    expect(svg.match(/fill="#ff0000"/g)).toHaveLength(2);
  });

  it('keeps the order of first appearance for series and facets', () => {
    const spec = bars as unknown as {
      facet: { sort: string[] };
      spec: { encoding: { color: { sort: string[] }; x: { sort: string[] } } };
    };
    expect(spec.facet.sort).toEqual(['BA', 'ASR']);
    expect(spec.spec.encoding.color.sort).toEqual(['ours', 'paper']);
    expect(spec.spec.encoding.x.sort).toEqual(['BadNets', 'Blend']);
  });

  it('rejects bad input with a message naming the argument', () => {
    expect(() => groupedBarChart({ title: 't', rows: [] })).toThrow(/groupedBarChart: rows/);
    expect(() =>
      lineChart({
        title: 't',
        xTitle: 'x',
        yTitle: 'y',
        rows: [{ x: Number.NaN, y: 1, series: 'a' }],
      }),
    ).toThrow(/rows\[0\] must have finite x and y/);
    expect(() =>
      imageGridChart({
        title: 't',
        panels: [{ title: 'a', height: 2, width: 2, channels: 1, pixels: new Float32Array(3) }],
      }),
    ).toThrow(/panel 'a'/);
  });
});
