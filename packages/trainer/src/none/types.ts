/** Per-layer activations of the training set, as `@none/probe` returns them. */
export interface LayerValues {
  layer: string;
  /** Neurons (channels/units) per sample. */
  neurons: number;
  /** Row-major `[n, neurons]`. */
  values: Float32Array;
}

/** What a NONE detection pass sees: neuron values and softmax outputs of every sample. */
export interface NoneActivations {
  n: number;
  layers: readonly LayerValues[];
  /** Row-major `[n, numClasses]`. */
  probabilities: Float32Array;
  numClasses: number;
}

/** What a NONE detection pass decides. */
export interface NoneDetection {
  /** Per layer, the neurons (channel indices) to reset. */
  resetNeurons: Record<string, number[]>;
  /** Samples (row indices of the activations) flagged as biased or poisoned, ascending. */
  flagged: Int32Array;
  /** Variant-specific evidence, for the report (small: counts and scores, no per-sample arrays). */
  details: Record<string, unknown>;
}

/** One neuron's values over all samples. */
export function neuronColumn(
  layer: LayerValues,
  neuron: number,
  rows?: ArrayLike<number>,
): Float64Array {
  const { neurons, values } = layer;
  if (rows === undefined) {
    const n = values.length / neurons;
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = values[i * neurons + neuron]!;
    return column;
  }
  const column = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) column[t] = values[rows[t]! * neurons + neuron]!;
  return column;
}

/** Sorted Int32Array of the set bits of a per-sample mask. */
export function maskToIndices(mask: ArrayLike<number | boolean>): Int32Array {
  const result: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) result.push(i);
  return Int32Array.from(result);
}
