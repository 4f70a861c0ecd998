import { gaussianBlobs } from '@none/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../plot/render';
import {
  type DecisionRegionsFigureData,
  decisionRegionsData,
  decisionRegionsSpec,
  poisonBlobs,
} from './decision-regions';

describe('poisonBlobs', () => {
  const blobs = gaussianBlobs({ n: 100, seed: 3 });

  it('moves round(rate * n) non-target points onto the trigger line and relabels them', () => {
    const poisoned = poisonBlobs(blobs, { rate: 0.15, target: 3, triggerY: 0.6, seed: 1 });
    expect(poisoned.poisonedIndices).toHaveLength(15);
    const set = new Set(poisoned.poisonedIndices);
    for (let i = 0; i < 100; i++) {
      if (set.has(i)) {
        expect(blobs.labels[i]).not.toBe(3);
        expect(poisoned.labels[i]).toBe(3);
        expect(poisoned.points[2 * i + 1]).toBeCloseTo(0.6, 6);
        expect(poisoned.points[2 * i]).toBe(blobs.points[2 * i]);
      } else {
        expect(poisoned.labels[i]).toBe(blobs.labels[i]);
        expect(poisoned.points[2 * i]).toBe(blobs.points[2 * i]);
        expect(poisoned.points[2 * i + 1]).toBe(blobs.points[2 * i + 1]);
      }
    }
    // The input is not modified, and the same seed picks the same points.
    expect(gaussianBlobs({ n: 100, seed: 3 }).points).toEqual(blobs.points);
    expect(
      poisonBlobs(blobs, { rate: 0.15, target: 3, triggerY: 0.6, seed: 1 }).poisonedIndices,
    ).toEqual(poisoned.poisonedIndices);
  });

  it('rejects rates and targets out of range', () => {
    expect(() => poisonBlobs(blobs, { rate: 1.5, target: 3, triggerY: 0.6, seed: 1 })).toThrow(
      /rate must be in \[0, 1\], got 1.5/,
    );
    expect(() => poisonBlobs(blobs, { rate: 0.1, target: 5, triggerY: 0.6, seed: 1 })).toThrow(
      /target must be an integer in \[0, 4\], got 5/,
    );
    // 80 points are not of class 3.
    expect(() => poisonBlobs(blobs, { rate: 0.9, target: 3, triggerY: 0.6, seed: 1 })).toThrow(
      /asks for 90 points, only 80/,
    );
  });
});

describe('decisionRegionsData', () => {
  let data: DecisionRegionsFigureData;
  beforeAll(async () => {
    data = await decisionRegionsData({
      seed: 0,
      points: 150,
      rates: [0, 0.2],
      dpSgdRates: [0.2],
      dpSgdEpochs: 3,
      gridSize: 24,
    });
  });

  it('has one panel per (optimizer, rate), each with a full grid of predicted classes', () => {
    expect(data.panels.map((p) => [p.optimizer, p.rate])).toEqual([
      ['sgd', 0],
      ['sgd', 0.2],
      ['dp-sgd', 0.2],
    ]);
    for (const panel of data.panels) {
      expect(panel.grid).toHaveLength(24 * 24);
      expect(panel.grid.every((k) => k >= 0 && k < 5)).toBe(true);
      expect(panel.training.poisonedIndices).toHaveLength(Math.round(panel.rate * 150));
    }
  });

  it('covers the bounding box of every training point and the trigger line', () => {
    const { xMin, xMax, yMin, yMax } = data.bounds;
    for (const panel of data.panels) {
      const { points } = panel.training;
      for (let i = 0; i < points.length; i += 2) {
        expect(points[i]).toBeGreaterThanOrEqual(xMin);
        expect(points[i]).toBeLessThanOrEqual(xMax);
        expect(points[i + 1]).toBeGreaterThanOrEqual(yMin);
        expect(points[i + 1]).toBeLessThanOrEqual(yMax);
      }
    }
    expect(yMin).toBeLessThan(data.triggerY);
    expect(yMax).toBeGreaterThan(data.triggerY);
  });

  it('at rate 0, the SGD model predicts the labels of its training points', () => {
    const clean = data.panels[0]!;
    let agree = 0;
    for (let i = 0; i < clean.training.shape[0]; i++) {
      if (clean.trainingPredictions[i] === clean.training.labels[i]) agree += 1;
    }
    // Observed 1.0 on seeds 0-4 (this setting): five well-separated blobs.
    expect(agree / clean.training.shape[0]).toBeGreaterThanOrEqual(0.9);
    expect(clean.ba).toBeGreaterThanOrEqual(0.9);
    // The grid agrees with the point predictions: the cell of a point predicts what the point does
    // for most points (cells are coarse, so not all).
    const { xMin, xMax, yMin, yMax } = data.bounds;
    let sameCell = 0;
    for (let i = 0; i < clean.training.shape[0]; i++) {
      const ix = Math.min(
        23,
        Math.floor(((clean.training.points[2 * i]! - xMin) / (xMax - xMin)) * 24),
      );
      const iy = Math.min(
        23,
        Math.floor(((clean.training.points[2 * i + 1]! - yMin) / (yMax - yMin)) * 24),
      );
      if (clean.grid[iy * 24 + ix] === clean.trainingPredictions[i]) sameCell += 1;
    }
    expect(sameCell / clean.training.shape[0]).toBeGreaterThanOrEqual(0.85);
  });

  it('renders one facet per panel with the trigger line', async () => {
    const svg = await renderSvg(decisionRegionsSpec(data));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Decision regions of a 5 x 100 ReLU MLP');
    expect(svg).toContain('SGD, 20% poisoned');
    expect(svg).toContain('DP-SGD, 20% poisoned');
  });
});
