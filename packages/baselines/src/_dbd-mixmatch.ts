import type { Random } from '@none/stats';

/**
 * The logarithm of a Gamma(shape, 1) variate: Marsaglia and Tsang's method for shape >= 1,
 * and for shape < 1 the boost `Gamma(shape + 1) * U^(1 / shape)`, in logs so that tiny
 * shapes (whose variates underflow float64) stay exact.
 *
 * @see G. Marsaglia, W. W. Tsang, "A simple method for generating gamma variables", ACM
 * TOMS 26(3), 2000
 */
export function sampleLogGamma(random: Random, shape: number): number {
  if (shape < 1) {
    // 1 - next() lies in (0, 1], so the log is finite.
    return sampleLogGamma(random, shape + 1) + Math.log(1 - random.next()) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = random.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.next();
    if (u < 1 - 0.0331 * x ** 4) return Math.log(d * v);
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A Beta(a, b) variate as `X / (X + Y)` with X ~ Gamma(a), Y ~ Gamma(b) (drawn in that order). */
export function sampleBeta(random: Random, a: number, b: number): number {
  const logX = sampleLogGamma(random, a);
  const logY = sampleLogGamma(random, b);
  return 1 / (1 + Math.exp(logY - logX));
}

/**
 * MixMatch's sharpening of row-major `[n, k]` probabilities: `p_i^(1/T) / sum_j p_j^(1/T)`
 * per row (a new array).
 */
export function sharpen(probabilities: Float32Array, k: number, temperature: number): Float32Array {
  const output = new Float32Array(probabilities.length);
  const power = 1 / temperature;
  for (let row = 0; row < probabilities.length / k; row++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const value = probabilities[row * k + j]! ** power;
      output[row * k + j] = value;
      sum += value;
    }
    for (let j = 0; j < k; j++) output[row * k + j] = output[row * k + j]! / sum;
  }
  return output;
}

/**
 * MixMatch's MixUp of a batch with a permutation of itself: `lambda' = max(lambda, 1 - lambda)`
 * with `lambda ~ Beta(alpha, alpha)`, and row i becomes `lambda' x_i + (1 - lambda') x_perm(i)`
 * for the inputs (`sampleSize` values a row) and the targets (`k` a row). Draws lambda first,
 * then the permutation.
 */
export function mixUp(
  inputs: Float32Array,
  targets: Float32Array,
  sampleSize: number,
  k: number,
  alpha: number,
  random: Random,
): { inputs: Float32Array; targets: Float32Array; lambda: number } {
  const rows = targets.length / k;
  const draw = sampleBeta(random, alpha, alpha);
  const lambda = Math.max(draw, 1 - draw);
  const permutation = random.permutation(rows);
  const mixedInputs = new Float32Array(inputs.length);
  const mixedTargets = new Float32Array(targets.length);
  for (let row = 0; row < rows; row++) {
    const other = permutation[row]!;
    for (let p = 0; p < sampleSize; p++) {
      mixedInputs[row * sampleSize + p] =
        lambda * inputs[row * sampleSize + p]! + (1 - lambda) * inputs[other * sampleSize + p]!;
    }
    for (let j = 0; j < k; j++) {
      mixedTargets[row * k + j] =
        lambda * targets[row * k + j]! + (1 - lambda) * targets[other * k + j]!;
    }
  }
  return { inputs: mixedInputs, targets: mixedTargets, lambda };
}
