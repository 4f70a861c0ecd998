import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderAllFigures } from './index';

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

describe('renderAllFigures', () => {
  it('writes the three figures and a Markdown section with paths relative to the report', async () => {
    const report = await mkdtemp(join(tmpdir(), 'none-figures-'));
    directories.push(report);
    const outDir = join(report, 'figures');
    const messages: string[] = [];
    const result = await renderAllFigures(outDir, {
      scale: 'smoke',
      seed: 1,
      markdownBase: report,
      // Smaller than the smoke defaults: the decision-region module has its own tests.
      decisionRegions: {
        points: 100,
        rates: [0, 0.2],
        dpSgdRates: [0.2],
        dpSgdEpochs: 2,
        gridSize: 20,
      },
      onProgress: (message) => messages.push(message),
    });
    expect(result.figures.map((f) => f.id)).toEqual([
      'trigger-examples',
      'activation-histograms',
      'decision-regions',
    ]);
    for (const figure of result.figures) {
      expect(figure.svgPath).toBe(join(outDir, `${figure.id}.svg`));
      expect(figure.pngPath).toBe(join(outDir, `${figure.id}.png`));
      const svg = await readFile(figure.svgPath, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      const png = await readFile(figure.pngPath);
      expect(png.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      expect(result.markdown).toContain(`](figures/${figure.id}.png)`);
      expect(result.markdown).toContain(`### ${figure.title}`);
    }
    expect(result.markdown.startsWith('## Figures\n')).toBe(true);
    expect(result.data.triggerExamples.panels).toHaveLength(9);
    expect(result.data.decisionRegions.panels).toHaveLength(3);
    const { trojaned } = result.data.activationHistograms.selected;
    expect(trojaned.triggeredMean).toBeGreaterThan(trojaned.benignMean);
    expect(messages).toContain('figures: decision regions');
    expect(messages.some((m) => m.startsWith('activation histograms: trojaned model epoch'))).toBe(
      true,
    );
  });

  it('rejects an unknown scale and a bad seed before doing any work', async () => {
    await expect(
      renderAllFigures('/nonexistent', { scale: 'gpu' as 'cpu', seed: 0 }),
    ).rejects.toThrow(/scale must be one of smoke, cpu, full, got gpu/);
    await expect(renderAllFigures('/nonexistent', { scale: 'smoke', seed: -1 })).rejects.toThrow(
      /seed must be a non-negative safe integer, got -1/,
    );
  });
});
