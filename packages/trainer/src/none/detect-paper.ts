import { jenksTwoClassSplit, mean, std } from '@none/stats';
import { maskToIndices, type NoneActivations, type NoneDetection, neuronColumn } from './types';

/** Options of Algorithm 1 (§4, §8.4, §8.8). */
export interface PaperDetectionOptions {
  /** A neuron is linear when `P(A_n >= 0) >= theta` (line 9). @default 0.95 */
  theta?: number;
  /** At most this fraction of each layer's neurons is reset, the most linear first (§8.8). @default 0.03 */
  resetFraction?: number;
  /** Fraction of a layer's candidates whose values flag samples (§8.8 "selection threshold"). @default 0.1 */
  selectionThreshold?: number;
  /** A sample of the high cluster is flagged when `|z| >= lambda` against the low cluster (line 16). @default 3 */
  lambda?: number;
}

export const PAPER_DETECTION_DEFAULTS = {
  theta: 0.95,
  resetFraction: 0.03,
  selectionThreshold: 0.1,
  lambda: 3,
} as const satisfies Required<PaperDetectionOptions>;

/**
 * One detection pass of Algorithm 1. Per layer: linearity `L_n = P(A_n >= 0)`; neurons with
 * `L_n >= theta` are candidates, at most `ceil(resetFraction * width)` of them, by `L_n`
 * and then (for ties, common with max-over-space values) by the goodness of variance fit
 * of their 2-class Jenks split — the separation quality the paper derives theta from. For
 * the top `ceil(selectionThreshold * candidates)` candidates: Jenks splits `A_n` into a low
 * (benign) cluster B and a high cluster O (Algorithm 2); with mu, sigma of B, every sample of
 * O with `|z| >= lambda` is flagged. All candidates are reset.
 */
export function detectPaper(
  activations: NoneActivations,
  options: PaperDetectionOptions = {},
): NoneDetection {
  const { theta, resetFraction, selectionThreshold, lambda } = {
    ...PAPER_DETECTION_DEFAULTS,
    ...options,
  };
  const flagged = new Uint8Array(activations.n);
  const resetNeurons: Record<string, number[]> = {};
  const perLayer: Record<string, { linear: number; candidates: number; flagged: number }> = {};
  for (const layer of activations.layers) {
    const linearity = new Float64Array(layer.neurons);
    const fit = new Float64Array(layer.neurons);
    const splits = [];
    for (let j = 0; j < layer.neurons; j++) {
      const column = neuronColumn(layer, j);
      let nonNegative = 0;
      for (let i = 0; i < column.length; i++) if (column[i]! >= 0) nonNegative += 1;
      linearity[j] = nonNegative / column.length;
      const split = distinctValues(column) >= 2 ? jenksTwoClassSplit(column) : undefined;
      fit[j] = split?.goodnessOfVarianceFit ?? 0;
      splits.push({ column, split });
    }
    const linear = Array.from(linearity.keys()).filter((j) => linearity[j]! >= theta);
    linear.sort((a, b) => linearity[b]! - linearity[a]! || fit[b]! - fit[a]! || a - b);
    const candidates = linear.slice(0, Math.ceil(resetFraction * layer.neurons));
    resetNeurons[layer.layer] = [...candidates].sort((a, b) => a - b);
    const selected = candidates.slice(0, Math.ceil(selectionThreshold * candidates.length));
    let flaggedHere = 0;
    for (const j of selected) {
      const { column, split } = splits[j]!;
      if (split === undefined || split.lowCount < 2) continue;
      const low = split.lowIndices;
      const benign = Float64Array.from(low, (i) => column[i]!);
      const mu = mean(benign);
      const sigma = std(benign);
      for (const i of split.highIndices) {
        const z = sigma > 0 ? Math.abs((column[i]! - mu) / sigma) : Number.POSITIVE_INFINITY;
        if (z >= lambda && !flagged[i]) {
          flagged[i] = 1;
          flaggedHere += 1;
        }
      }
    }
    perLayer[layer.layer] = {
      linear: linear.length,
      candidates: candidates.length,
      flagged: flaggedHere,
    };
  }
  return { resetNeurons, flagged: maskToIndices(flagged), details: { variant: 'paper', perLayer } };
}

function distinctValues(column: Float64Array): number {
  const first = column[0];
  for (let i = 1; i < column.length; i++) if (column[i] !== first) return 2;
  return column.length === 0 ? 0 : 1;
}
