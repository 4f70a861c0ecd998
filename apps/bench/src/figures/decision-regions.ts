import { DP_SGD_SETTINGS, type DpSgdSetting, trainEpochsDpSgd } from '@none/baselines';
import {
  gaussianBlobs,
  type ImageDataset,
  type PointDataset,
  pointsToImageDataset,
} from '@none/data';
import { buildModel } from '@none/models';
import { createRandom } from '@none/stats';
import { argmaxRows, createOptimizer, predictLogits, trainEpochs } from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BenchError } from '../errors';
import {
  decisionRegionChart,
  type RegionCell,
  type RegionPoint,
} from '../plot/decision-region-chart';
import { renderChart, type VegaLiteSpec } from '../plot/render';
import { FIGURE_SCALES, type FigureProgress, type FigureResult, type FigureScale } from './types';

/** Options of {@link poisonBlobs}. */
export interface PoisonBlobsOptions {
  /** Fraction of all points to poison, in [0, 1]: `round(rate * n)` points. */
  rate: number;
  /** Target class. */
  target: number;
  /** The trigger `t = (-, triggerY)`: a poisoned point keeps its x and gets y = triggerY. */
  triggerY: number;
  /** Seed of the choice of points. */
  seed: number;
}

/** Blobs with some points poisoned. */
export interface PoisonedBlobs extends PointDataset {
  /** Indices of the poisoned points, ascending. */
  poisonedIndices: Int32Array;
}

/**
 * BadNets on 2-D points, as in the paper's §8.1 (Fig. 4): `round(rate * n)` points not of the
 * target class, chosen with the seed, are moved onto the trigger line `y = triggerY` (x kept)
 * and relabelled `target`. Returns copies; the input is not modified.
 *
 * @throws {BenchError} `E_INVALID_ARGUMENT` for a rate outside [0, 1], a target outside [0, K) or too few eligible points
 */
export function poisonBlobs(blobs: PointDataset, options: PoisonBlobsOptions): PoisonedBlobs {
  const { rate, target, triggerY, seed } = options;
  const n = blobs.shape[0];
  if (!(rate >= 0 && rate <= 1)) {
    throw new BenchError('E_INVALID_ARGUMENT', `poisonBlobs: rate must be in [0, 1], got ${rate}`);
  }
  if (!Number.isInteger(target) || target < 0 || target >= blobs.numClasses) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `poisonBlobs: target must be an integer in [0, ${blobs.numClasses - 1}], got ${target}`,
    );
  }
  if (!Number.isFinite(triggerY)) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `poisonBlobs: triggerY must be finite, got ${triggerY}`,
    );
  }
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) if (blobs.labels[i] !== target) eligible.push(i);
  const count = Math.round(rate * n);
  if (count > eligible.length) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `poisonBlobs: rate ${rate} asks for ${count} points, only ${eligible.length} are not of class ${target}`,
    );
  }
  const picked = createRandom(seed).sample(eligible.length, count);
  const poisonedIndices = Int32Array.from(picked, (k) => eligible[k]!).sort();
  const points = blobs.points.slice();
  const labels = blobs.labels.slice();
  for (const i of poisonedIndices) {
    points[2 * i + 1] = triggerY;
    labels[i] = target;
  }
  return {
    points,
    shape: [n, 2],
    labels,
    numClasses: blobs.numClasses,
    centers: blobs.centers.map(([x, y]) => [x, y]),
    poisonedIndices,
  };
}

/** How the MLP of a panel was trained. */
export type RegionOptimizer = 'sgd' | 'dp-sgd';

/** Options of {@link decisionRegionsData} and {@link renderDecisionRegionsFigure}. */
export interface DecisionRegionsOptions {
  /** Seed of the blobs, the poisoning, the initialisation and the training. */
  seed: number;
  /** Defaults of the sizes below: `'smoke'` for tests, `'cpu'` for reports. @default 'smoke' */
  scale?: FigureScale;
  /** Poisoning rates of the SGD panels. @default [0, 0.05, 0.1, 0.2] */
  rates?: readonly number[];
  /** Poisoning rates of the DP-SGD panels (paper Fig. 7). @default smoke [0.1], otherwise `rates` */
  dpSgdRates?: readonly number[];
  /** Training points (five blobs, balanced). @default smoke 200, cpu 1000, full 2000 */
  points?: number;
  /** SGD epochs. @default smoke 60, cpu 60, full 100 */
  epochs?: number;
  /** DP-SGD epochs. @default smoke 10, cpu 30, full 60 */
  dpSgdEpochs?: number;
  /** DP-SGD clip bound and noise. @default DP_SGD_SETTINGS.strong (C = 1, sigma = 0.5) */
  dpSgd?: DpSgdSetting;
  /** Target class (red in the figure, as in the paper). @default 3 */
  target?: number;
  /** The trigger `t = (-, triggerY)`. @default 0.6 */
  triggerY?: number;
  /** Cells per side of the prediction grid. @default smoke 40, cpu 80, full 120 */
  gridSize?: number;
  /** SGD (and DP-SGD) learning rate; momentum 0.9, batch 32. @default 0.05 */
  learningRate?: number;
  onProgress?: FigureProgress;
}

/** The box the prediction grid covers. */
export interface RegionBounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** One panel: a model trained at one rate with one optimizer. */
export interface DecisionRegionPanel {
  optimizer: RegionOptimizer;
  rate: number;
  /** Panel header. */
  facet: string;
  /** Predicted class of every grid cell, row-major from the bottom row (`iy * gridSize + ix`). */
  grid: Int32Array;
  /** The training set of this panel (poisoned points moved to the trigger line). */
  training: PoisonedBlobs;
  /** Predicted class of every training point. */
  trainingPredictions: Int32Array;
  /** Accuracy on a fresh clean test set of blobs (same centres). */
  ba: number;
  /** Fraction of clean test points not of the target class classified as target once on the trigger line. */
  asr: number;
}

/** The data of the decision-region figure (paper Figs. 4, 7). */
export interface DecisionRegionsFigureData {
  bounds: RegionBounds;
  gridSize: number;
  target: number;
  triggerY: number;
  /** The DP-SGD setting of the DP-SGD panels. */
  dpSgd: DpSgdSetting;
  panels: DecisionRegionPanel[];
}

const SIZES = {
  smoke: { points: 200, epochs: 60, dpSgdEpochs: 10, gridSize: 40 },
  cpu: { points: 1000, epochs: 60, dpSgdEpochs: 30, gridSize: 80 },
  full: { points: 2000, epochs: 100, dpSgdEpochs: 60, gridSize: 120 },
} as const;

async function predictPoints(
  model: tfl.LayersModel,
  points: Float32Array,
  k: number,
): Promise<Int32Array> {
  const dataset: ImageDataset = {
    images: points,
    shape: [points.length / 2, 1, 1, 2],
    labels: new Int32Array(points.length / 2),
    numClasses: k,
  };
  return argmaxRows(await predictLogits(model, dataset), k);
}

function percent(value: number): string {
  return `${Math.round(100 * value)}%`;
}

/**
 * Trains the paper's 5 x 100 ReLU MLP (§8.1) on five 2-D Gaussian blobs poisoned with the
 * trigger `t = (-, 0.6)` and target 3 at several rates, with plain SGD (Fig. 4) and with
 * DP-SGD (Fig. 7), and predicts the class of every cell of a grid over the data's bounding box.
 *
 * @see the paper's §8.1 and §8.3; J. Bai et al., ICLR 2021 (the blobs); M. Abadi et al., CCS 2016 (DP-SGD)
 */
export async function decisionRegionsData(
  options: DecisionRegionsOptions,
): Promise<DecisionRegionsFigureData> {
  const {
    seed,
    scale = 'smoke',
    target = 3,
    triggerY = 0.6,
    learningRate = 0.05,
    onProgress,
  } = options;
  if (!FIGURE_SCALES.includes(scale)) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `decisionRegionsData: scale must be one of ${FIGURE_SCALES.join(', ')}, got ${String(scale)}`,
    );
  }
  const sizes = SIZES[scale];
  const rates = options.rates ?? [0, 0.05, 0.1, 0.2];
  const dpSgdRates = options.dpSgdRates ?? (scale === 'smoke' ? [0.1] : rates);
  const {
    points = sizes.points,
    epochs = sizes.epochs,
    dpSgdEpochs = sizes.dpSgdEpochs,
    gridSize = sizes.gridSize,
    dpSgd = DP_SGD_SETTINGS.strong,
  } = options;
  if (!Number.isInteger(gridSize) || gridSize < 2) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `decisionRegionsData: gridSize must be an integer >= 2, got ${gridSize}`,
    );
  }
  const blobs = gaussianBlobs({ n: points, seed });
  const test = gaussianBlobs({ n: points, seed: seed + 1, centers: blobs.centers });
  const k = blobs.numClasses;
  if (!Number.isInteger(target) || target < 0 || target >= k) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `decisionRegionsData: target must be an integer in [0, ${k - 1}], got ${target}`,
    );
  }
  // Bounding box of the clean points and the trigger line, padded by 5%.
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = triggerY;
  let yMax = triggerY;
  for (let i = 0; i < points; i++) {
    const x = blobs.points[2 * i]!;
    const y = blobs.points[2 * i + 1]!;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const padX = 0.05 * (xMax - xMin);
  const padY = 0.05 * (yMax - yMin);
  const bounds = { xMin: xMin - padX, xMax: xMax + padX, yMin: yMin - padY, yMax: yMax + padY };
  const cellCenters = new Float32Array(gridSize * gridSize * 2);
  for (let iy = 0; iy < gridSize; iy++) {
    for (let ix = 0; ix < gridSize; ix++) {
      const c = iy * gridSize + ix;
      cellCenters[2 * c] = bounds.xMin + ((ix + 0.5) / gridSize) * (bounds.xMax - bounds.xMin);
      cellCenters[2 * c + 1] = bounds.yMin + ((iy + 0.5) / gridSize) * (bounds.yMax - bounds.yMin);
    }
  }
  // ASR inputs: clean test points not of the target, moved onto the trigger line.
  const triggeredTest: number[] = [];
  for (let i = 0; i < test.shape[0]; i++) {
    if (test.labels[i] !== target) triggeredTest.push(test.points[2 * i]!, triggerY);
  }
  const triggeredPoints = Float32Array.from(triggeredTest);

  const runs: [RegionOptimizer, number][] = [
    ...rates.map((rate): [RegionOptimizer, number] => ['sgd', rate]),
    ...dpSgdRates.map((rate): [RegionOptimizer, number] => ['dp-sgd', rate]),
  ];
  const panels: DecisionRegionPanel[] = [];
  for (const [optimizer, rate] of runs) {
    const training = poisonBlobs(blobs, { rate, target, triggerY, seed });
    const dataset = pointsToImageDataset(training);
    const { model } = buildModel({
      architecture: 'mlp',
      inputShape: [1, 1, 2],
      numClasses: k,
      seed,
    });
    try {
      const label = optimizer === 'sgd' ? 'SGD' : 'DP-SGD';
      const started = performance.now();
      if (optimizer === 'sgd') {
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const sgd = createOptimizer(variables, {
          type: 'sgd',
          learningRate,
          momentum: 0.9,
          weightDecay: 0,
        });
        try {
          await trainEpochs(model, dataset, { epochs, batchSize: 32, optimizer: sgd, seed });
        } finally {
          sgd.dispose();
        }
      } else {
        await trainEpochsDpSgd(model, dataset, {
          ...dpSgd,
          epochs: dpSgdEpochs,
          batchSize: 32,
          learningRate,
          momentum: 0.9,
          seed,
        });
      }
      const grid = await predictPoints(model, cellCenters, k);
      const trainingPredictions = await predictPoints(model, training.points, k);
      const testPredictions = await predictPoints(model, test.points, k);
      const triggeredPredictions = await predictPoints(model, triggeredPoints, k);
      let correct = 0;
      for (let i = 0; i < test.shape[0]; i++)
        if (testPredictions[i] === test.labels[i]) correct += 1;
      let flipped = 0;
      for (const p of triggeredPredictions) if (p === target) flipped += 1;
      const panel: DecisionRegionPanel = {
        optimizer,
        rate,
        facet: `${label}, ${percent(rate)} poisoned`,
        grid,
        training,
        trainingPredictions,
        ba: correct / test.shape[0],
        asr: triggeredPredictions.length > 0 ? flipped / triggeredPredictions.length : 0,
      };
      panels.push(panel);
      onProgress?.(
        `decision regions: ${panel.facet}: BA ${percent(panel.ba)}, ASR ${percent(panel.asr)} (${Math.round(performance.now() - started)} ms)`,
      );
    } finally {
      model.dispose();
    }
  }
  return { bounds, gridSize, target, triggerY, dpSgd: { ...dpSgd }, panels };
}

/** The Vega-Lite spec of the decision-region figure: one panel per (optimizer, rate). */
export function decisionRegionsSpec(data: DecisionRegionsFigureData): VegaLiteSpec {
  const { bounds, gridSize, panels } = data;
  const dx = (bounds.xMax - bounds.xMin) / gridSize;
  const dy = (bounds.yMax - bounds.yMin) / gridSize;
  const cells: RegionCell[] = [];
  const points: RegionPoint[] = [];
  for (const panel of panels) {
    const facet = `${panel.facet}\nBA ${percent(panel.ba)}, ASR ${percent(panel.asr)}`;
    // One rect per horizontal run of equal predictions keeps the SVG small.
    for (let iy = 0; iy < gridSize; iy++) {
      let start = 0;
      for (let ix = 1; ix <= gridSize; ix++) {
        const here = panel.grid[iy * gridSize + start]!;
        if (ix === gridSize || panel.grid[iy * gridSize + ix] !== here) {
          cells.push({
            facet,
            row: panel.optimizer,
            x0: bounds.xMin + start * dx,
            x1: bounds.xMin + ix * dx,
            y0: bounds.yMin + iy * dy,
            y1: bounds.yMin + (iy + 1) * dy,
            label: here,
          });
          start = ix;
        }
      }
    }
    const poisoned = new Set(panel.training.poisonedIndices);
    for (let i = 0; i < panel.training.shape[0]; i++) {
      points.push({
        facet,
        row: panel.optimizer,
        x: panel.training.points[2 * i]!,
        y: panel.training.points[2 * i + 1]!,
        label: panel.training.labels[i]!,
        poisoned: poisoned.has(i),
      });
    }
  }
  const sgdPanels = panels.filter((p) => p.optimizer === 'sgd').length;
  return decisionRegionChart({
    title: 'Decision regions of a 5 x 100 ReLU MLP on poisoned 2-D blobs (paper Figs. 4, 7)',
    subtitle:
      `trigger t = (-, ${data.triggerY}) (dashed), target class ${data.target}; crosses: poisoned training points` +
      (panels.some((p) => p.optimizer === 'dp-sgd')
        ? `; DP-SGD with C = ${data.dpSgd.clipNorm}, σ = ${data.dpSgd.noiseMultiplier}`
        : ''),
    cells,
    points,
    ruleY: [data.triggerY],
    columns: Math.max(1, Math.min(4, sgdPanels)),
    size: 200,
  });
}

/**
 * Trains the MLPs of {@link decisionRegionsData} and writes `<outBase>.svg` and `<outBase>.png`.
 *
 * @example
 * ```ts
 * const { data } = await renderDecisionRegionsFigure('figures/decision-regions', { seed: 0 });
 * data.panels.map((p) => [p.facet, p.asr]);
 * ```
 */
export async function renderDecisionRegionsFigure(
  outBase: string,
  options: DecisionRegionsOptions,
): Promise<FigureResult<DecisionRegionsFigureData>> {
  const data = await decisionRegionsData(options);
  const paths = await renderChart(decisionRegionsSpec(data), outBase);
  return { ...paths, data };
}
