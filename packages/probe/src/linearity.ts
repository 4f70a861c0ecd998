import { ProbeError } from './errors';

/**
 * The paper's linearity of each neuron, `L_n = P(A_n >= 0)` (Algorithm 1, line 9): the
 * fraction of samples whose value is non-negative, for row-major `[n, neurons]` values.
 *
 * @example
 * fractionNonNegative(new Float32Array([1, -1, 2, 0]), 2) // Float64Array [1, 0.5]
 */
export function fractionNonNegative(values: Float32Array, neurons: number): Float64Array {
  if (!Number.isInteger(neurons) || neurons < 1 || values.length % neurons !== 0) {
    throw new ProbeError(
      'E_INVALID_ARGUMENT',
      `fractionNonNegative: neurons must be a positive integer dividing values.length (${values.length}), got ${neurons}`,
    );
  }
  const n = values.length / neurons;
  const counts = new Float64Array(neurons);
  for (let i = 0; i < values.length; i += neurons) {
    for (let j = 0; j < neurons; j++) if (values[i + j]! >= 0) counts[j]! += 1;
  }
  for (let j = 0; j < neurons; j++) counts[j] = n === 0 ? 0 : counts[j]! / n;
  return counts;
}
