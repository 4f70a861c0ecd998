import { jenksBreaks, mean, std } from '@none/stats';
import { type NoneActivations, type NoneDetection, neuronColumn } from './types';

/** Options of the authors' released algorithm (§8.8 "alternative implementation"). */
export interface ConfidenceGapDetectionOptions {
  /** Confident samples of class k: `P[i, k] > lambdaH`. @default 0.9 */
  lambdaH?: number;
  /** Unconfident samples of class k: `P[i, k] < lambdaL`. @default 0.1 */
  lambdaL?: number;
  /** Per layer, `ceil(resetFraction * width)` neurons with the largest gap are reset. @default 0.03 */
  resetFraction?: number;
  /**
   * Neurons per layer whose values are summed into the sample score: `'top-1'` (the code's
   * default, `num_for_detect_biased = -1`) or a fraction of the layer's width.
   * @default 'top-1'
   */
  selection?: 'top-1' | number;
}

export const CONFIDENCE_GAP_DETECTION_DEFAULTS = {
  lambdaH: 0.9,
  lambdaL: 0.1,
  resetFraction: 0.03,
  selection: 'top-1',
} as const satisfies Required<ConfidenceGapDetectionOptions>;

/**
 * One detection pass of the authors' released code (`compromised_detection.py`), faithfully:
 * for neuron j and class k, `gap[j,k] = max(A[strong_k, j]) - (mean(A[weak_k, j]) + 3 *
 * std(A[weak_k, j]))` with strong_k = `{P[i,k] > lambdaH}` and weak_k = `{P[i,k] < lambdaL}`
 * (k skipped when strong_k is empty); a neuron's score is its largest gap. Per layer the top
 * `ceil(resetFraction * width)` neurons are reset and the top `selection` neurons add their
 * values to a per-sample sum S; 2-class Jenks on S, and every sample with `S >= break`
 * (jenkspy's `breaks[1]`, so the largest value of the low class too) is removed.
 */
export function detectConfidenceGap(
  activations: NoneActivations,
  options: ConfidenceGapDetectionOptions = {},
): NoneDetection {
  const { lambdaH, lambdaL, resetFraction, selection } = {
    ...CONFIDENCE_GAP_DETECTION_DEFAULTS,
    ...options,
  };
  const { n, numClasses, probabilities } = activations;
  const strong: number[][] = [];
  const weak: number[][] = [];
  for (let k = 0; k < numClasses; k++) {
    const s: number[] = [];
    const w: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = probabilities[i * numClasses + k]!;
      if (p > lambdaH) s.push(i);
      if (p < lambdaL) w.push(i);
    }
    strong.push(s);
    weak.push(w);
  }
  const sampleScore = new Float64Array(n);
  const resetNeurons: Record<string, number[]> = {};
  const topScores: Record<string, number[]> = {};
  for (const layer of activations.layers) {
    const score = new Float64Array(layer.neurons);
    for (let j = 0; j < layer.neurons; j++) {
      const column = neuronColumn(layer, j);
      // The code fills a zero-initialised [neurons, classes] matrix and skips classes with
      // no confident sample, so those contribute a 0 to the max over classes.
      let best = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < numClasses; k++) {
        if (strong[k]!.length === 0) {
          best = Math.max(best, 0);
          continue;
        }
        let strongMax = Number.NEGATIVE_INFINITY;
        for (const i of strong[k]!) strongMax = Math.max(strongMax, column[i]!);
        const weakValues = Float64Array.from(weak[k]!, (i) => column[i]!);
        if (weakValues.length === 0) continue; // numpy: mean of nothing is NaN, never the max
        best = Math.max(best, strongMax - (mean(weakValues) + 3 * std(weakValues)));
      }
      score[j] = best;
    }
    const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]! || a - b);
    resetNeurons[layer.layer] = order
      .slice(0, Math.ceil(resetFraction * layer.neurons))
      .sort((a, b) => a - b);
    const count = selection === 'top-1' ? 1 : Math.ceil(selection * layer.neurons);
    const chosen = order.slice(0, count);
    topScores[layer.layer] = chosen.map((j) => score[j]!);
    for (const j of chosen)
      for (let i = 0; i < n; i++)
        sampleScore[i] = sampleScore[i]! + layer.values[i * layer.neurons + j]!;
  }
  const breaks =
    distinctCount(sampleScore) >= 2 ? jenksBreaks(sampleScore, { classes: 2 }) : undefined;
  const flagged: number[] = [];
  if (breaks !== undefined)
    for (let i = 0; i < n; i++) if (sampleScore[i]! >= breaks[1]!) flagged.push(i);
  return {
    resetNeurons,
    flagged: Int32Array.from(flagged),
    details: { variant: 'confidence-gap', break: breaks?.[1] ?? null, topScores },
  };
}

function distinctCount(values: Float64Array): number {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return 2;
  return values.length === 0 ? 0 : 1;
}
