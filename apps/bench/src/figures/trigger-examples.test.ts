import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTACK_TYPES } from '@none/attacks';
import { loadEmbeddedMnist } from '@none/data';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTriggerExamplesFigure, triggerExamplesData } from './trigger-examples';

const { test } = loadEmbeddedMnist();
const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

describe('triggerExamplesData', () => {
  it('has the clean digit first, then one panel per attack of the pure core', () => {
    const data = triggerExamplesData({ dataset: test });
    expect(data.panels).toHaveLength(ATTACK_TYPES.length + 1);
    expect(data.panels.map((p) => p.attack)).toEqual(['clean', ...ATTACK_TYPES]);
    expect(new Set(data.panels.map((p) => p.title)).size).toBe(data.panels.length);
    // Default sample: the first 7 of the test set.
    expect(data.index).toBe(test.labels.indexOf(7));
    expect(data.label).toBe(7);
  });

  it("draws the clean panel with exactly the dataset's pixels", () => {
    const data = triggerExamplesData({ dataset: test, index: 123 });
    const clean = data.panels[0]!;
    expect([clean.height, clean.width, clean.channels]).toEqual([28, 28, 1]);
    expect(clean.pixels).toEqual(test.images.subarray(123 * 784, 124 * 784));
    expect(clean.difference.every((d) => d === 0)).toBe(true);
  });

  it('changes the digit under every attack, and the difference is |triggered - clean|', () => {
    const data = triggerExamplesData({ dataset: test });
    const clean = data.panels[0]!.pixels;
    for (const panel of data.panels.slice(1)) {
      let changed = 0;
      for (let i = 0; i < clean.length; i++) {
        expect(panel.difference[i]).toBeCloseTo(Math.abs(panel.pixels[i]! - clean[i]!), 6);
        if (panel.pixels[i] !== clean[i]) changed += 1;
      }
      expect(changed, panel.title).toBeGreaterThan(0);
    }
    // BadNets' default trigger is a 3x3 white patch in the bottom-right corner.
    const badnets = data.panels.find((p) => p.attack === 'badnets')!;
    for (let r = 25; r < 28; r++)
      for (let c = 25; c < 28; c++) expect(badnets.pixels[r * 28 + c]).toBe(1);
  });

  it('keeps repeated attack types apart and rejects a label no sample has', () => {
    const data = triggerExamplesData({
      dataset: test,
      attacks: [{ type: 'blend' }, { type: 'blend', alpha: 0.5 }],
    });
    expect(data.panels.map((p) => p.title)).toEqual(['clean (label 7)', 'Blend', 'Blend (2)']);
    expect(() => triggerExamplesData({ dataset: test, label: 11 })).toThrow(
      /no sample has label 11/,
    );
    expect(() => triggerExamplesData({ dataset: test, index: 2000 })).toThrow(
      /index must be an integer in \[0, 1999\], got 2000/,
    );
  });
});

describe('renderTriggerExamplesFigure', () => {
  it('writes an SVG with the title and every panel header, and a PNG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'none-fig-'));
    directories.push(dir);
    const { svgPath, pngPath, data } = await renderTriggerExamplesFigure(join(dir, 'trigger'), {
      dataset: test,
    });
    const svg = await readFile(svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Trigger examples (paper Fig. 3)');
    for (const panel of data.panels) expect(svg).toContain(panel.title);
    const png = await readFile(pngPath);
    expect(png.subarray(0, 4).toString('latin1')).toBe('\x89PNG');
  });

  it('writes the same bytes for the same input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'none-fig-'));
    directories.push(dir);
    const first = await renderTriggerExamplesFigure(join(dir, 'a'), { dataset: test, index: 5 });
    const second = await renderTriggerExamplesFigure(join(dir, 'b'), { dataset: test, index: 5 });
    expect(await readFile(second.svgPath, 'utf8')).toBe(await readFile(first.svgPath, 'utf8'));
    expect((await readFile(second.pngPath)).equals(await readFile(first.pngPath))).toBe(true);
  });
});
