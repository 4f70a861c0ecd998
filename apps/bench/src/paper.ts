/**
 * The paper's reported numbers (percent), transcribed from "Training with More Confidence:
 * Mitigating Injected and Natural Backdoors During Training" (NeurIPS 2022), so that every
 * report can print our number beside theirs.
 */

export type PaperDefense =
  | 'undefended'
  | 'dp-sgd'
  | 'nad'
  | 'activation-clustering'
  | 'abl'
  | 'NONE';

/** [BA, ASR] per defense. */
export type PaperRow = Partial<Record<PaperDefense | 'dbd', [number, number]>>;

const row = (
  values: number[],
  defenses: (PaperDefense | 'dbd')[] = [
    'undefended',
    'dp-sgd',
    'nad',
    'activation-clustering',
    'abl',
    'NONE',
  ],
): PaperRow =>
  Object.fromEntries(defenses.map((d, i) => [d, [values[2 * i]!, values[2 * i + 1]!]]));

/** Table 1: comparisons on injected trojans; key `attack|dataset|network`. */
export const TABLE_1: Record<string, PaperRow> = {
  'badnets-single|MNIST|NiN': row([
    99.65, 99.96, 92.94, 0.48, 99.26, 0.06, 98.47, 0.51, 98.25, 99.7, 99.58, 0.06,
  ]),
  'badnets-single|MNIST|VGG11': row([
    99.35, 100, 97.2, 1.61, 98.85, 2.12, 97.44, 10.93, 98.48, 0.64, 99.11, 0.14,
  ]),
  'badnets-single|MNIST|ResNet18': row([
    99.61, 99.98, 97.31, 0.13, 98.83, 0.12, 98.04, 0.25, 99.34, 0.04, 99.57, 0.37,
  ]),
  'badnets-single|CIFAR-10|NiN': row([
    90.52, 100, 36.41, 93.01, 80.99, 52.97, 83.77, 100, 90.13, 100, 90.11, 2.32,
  ]),
  'badnets-single|CIFAR-10|VGG16': row([
    90.46, 100, 55.61, 99.32, 88.7, 98.71, 88.14, 99.84, 89.96, 100, 89.7, 4.91,
  ]),
  'badnets-single|CIFAR-10|ResNet18': row([
    94.1, 100, 52.29, 99.99, 88.74, 1.28, 89.57, 57.43, 92.4, 1.66, 93.62, 1.07,
  ]),
  'badnets-single|GTSRB|NiN': row([
    95.95, 99.72, 31.54, 74.78, 96.53, 26.15, 95.36, 99.52, 96.14, 99.54, 95.51, 0.87,
  ]),
  'badnets-single|GTSRB|VGG16': row([
    95.43, 99.93, 54.6, 86.83, 95.94, 86.1, 91.28, 5.28, 94.06, 95.79, 94.66, 0.96,
  ]),
  'badnets-single|GTSRB|ResNet18': row([
    96.67, 99.84, 55.73, 90.88, 95.95, 13.18, 94.64, 98.57, 96.24, 0.93, 96.39, 0.76,
  ]),
  'badnets-label-specific|MNIST|NiN': row([
    99.64, 98.86, 93.02, 1.1, 99.24, 0.09, 99.6, 0.03, 98.4, 89.32, 99.42, 0.03,
  ]),
  'badnets-label-specific|MNIST|VGG11': row([
    99.05, 98.99, 97.17, 0.41, 99.06, 32.06, 97.59, 0.1, 99.21, 98.51, 98.63, 0.11,
  ]),
  'badnets-label-specific|MNIST|ResNet18': row([
    99.57, 99.49, 96.81, 0.38, 99.19, 0.19, 99.35, 0.03, 99.01, 98.81, 99.09, 0.2,
  ]),
  'badnets-label-specific|CIFAR-10|NiN': row([
    90.5, 78.56, 38.42, 6.43, 82.7, 13.65, 84.74, 56.57, 89.66, 77.69, 89.51, 1.27,
  ]),
  'badnets-label-specific|CIFAR-10|VGG16': row([
    90.73, 96.86, 55.12, 5.23, 88.65, 39.99, 88.18, 82.87, 90.13, 86.91, 89.64, 1.22,
  ]),
  'badnets-label-specific|CIFAR-10|ResNet18': row([
    94.37, 92.0, 52.19, 12.17, 88.21, 1.5, 92.68, 5.29, 83.83, 83.48, 93.05, 1.04,
  ]),
  'badnets-label-specific|GTSRB|NiN': row([
    96.06, 93.74, 24.7, 7.39, 96.46, 9.9, 94.02, 6.17, 96.14, 99.54, 95.99, 0.96,
  ]),
  'badnets-label-specific|GTSRB|VGG16': row([
    95.71, 94.57, 53.9, 6.71, 96.33, 81.43, 94.96, 69.22, 94.32, 80.21, 95.49, 1.65,
  ]),
  'badnets-label-specific|GTSRB|ResNet18': row([
    96.93, 97.4, 60.59, 6.61, 95.49, 11.13, 95.74, 1.16, 90.24, 93.93, 96.63, 0.91,
  ]),
};

/** The mean of Table 1's three MNIST networks, the reference for our small CNN on the embedded MNIST. */
export function table1MnistMean(attack: 'badnets-single' | 'badnets-label-specific'): PaperRow {
  const rows = ['NiN', 'VGG11', 'ResNet18'].map((n) => TABLE_1[`${attack}|MNIST|${n}`]!);
  const out: PaperRow = {};
  for (const defense of Object.keys(rows[0]!) as PaperDefense[]) {
    const values = rows.map((r) => r[defense]!);
    out[defense] = [0, 1].map((k) => values.reduce((s, v) => s + v[k]!, 0) / values.length) as [
      number,
      number,
    ];
  }
  return out;
}

/** Table 3: BA without / with NONE on benign (clean) training; key `dataset|network`. */
export const TABLE_3: Record<string, [number, number]> = {
  'CIFAR-10|NiN': [91.02, 89.4],
  'CIFAR-10|VGG16': [90.78, 89.62],
  'CIFAR-10|ResNet18': [94.83, 93.92],
  'GTSRB|NiN': [95.68, 95.36],
  'GTSRB|VGG16': [94.67, 94.08],
  'GTSRB|ResNet18': [96.89, 96.87],
  'ImageNet-10|NiN': [83.34, 79.18],
  'ImageNet-10|VGG16': [88.84, 83.41],
  'ImageNet-10|ResNet18': [89.81, 85.25],
};

/** Table 4 (CIFAR-10): undefended [BA, ASR], NONE [BA, ASR]; key `pattern|network`. */
export const TABLE_4: Record<string, PaperRow> = {
  'dynamic-patch|NiN': row([90.52, 100, 90.11, 2.32], ['undefended', 'NONE']),
  'dynamic-patch|VGG16': row([90.46, 100, 89.7, 4.91], ['undefended', 'NONE']),
  'dynamic-patch|ResNet18': row([94.1, 100, 93.62, 1.07], ['undefended', 'NONE']),
  'static-patch|NiN': row([90.92, 100, 89.93, 2.61], ['undefended', 'NONE']),
  'static-patch|VGG16': row([90.12, 100, 89.48, 4.03], ['undefended', 'NONE']),
  'static-patch|ResNet18': row([94.24, 99.99, 93.93, 1.37], ['undefended', 'NONE']),
  'watermark|NiN': row([90.88, 99.99, 87.74, 3.27], ['undefended', 'NONE']),
  'watermark|VGG16': row([90.64, 99.99, 89.14, 5.36], ['undefended', 'NONE']),
  'watermark|ResNet18': row([94.28, 100, 92.27, 5.99], ['undefended', 'NONE']),
};

/** Table 5 (CIFAR-10, ResNet18): trigger side in pixels. */
export const TABLE_5: Record<number, PaperRow> = {
  3: row([94.1, 100, 93.62, 1.07], ['undefended', 'NONE']),
  5: row([94.27, 100, 93.51, 1.34], ['undefended', 'NONE']),
  7: row([94.1, 99.98, 93.7, 1.53], ['undefended', 'NONE']),
  9: row([94.34, 100, 93.19, 5.18], ['undefended', 'NONE']),
  15: row([94.44, 100, 92.18, 32.27], ['undefended', 'NONE']),
  20: row([94.58, 100, 92.55, 99.82], ['undefended', 'NONE']),
};

/** Table 6 (CIFAR-10, ResNet18): poisoning rate (fraction). */
export const TABLE_6: Record<number, PaperRow> = {
  0.005: row([94.46, 100, 93.5, 2.52], ['undefended', 'NONE']),
  0.05: row([94.1, 100, 93.62, 1.07], ['undefended', 'NONE']),
  0.1: row([93.82, 100, 93.13, 1.04], ['undefended', 'NONE']),
  0.2: row([92.7, 100, 92.14, 1.39], ['undefended', 'NONE']),
};

/** Table 8 (CIFAR-10): NONE's precision/recall of the poisoned-sample identification. */
export const TABLE_8: Record<string, [number, number]> = {
  'badnets|NiN': [99.6, 99.64],
  'badnets|VGG16': [99.96, 100],
  'badnets|ResNet18': [99.84, 99.92],
};

/** Table 10 (CIFAR-10, ResNet18): activation function. */
export const TABLE_10: Record<string, PaperRow> = {
  relu: row([94.1, 100, 93.62, 1.07], ['undefended', 'NONE']),
  leakyRelu: row([94.32, 100, 93.48, 1.24], ['undefended', 'NONE']),
  elu: row([92.99, 99.93, 91.11, 1.46], ['undefended', 'NONE']),
  tanhshrink: row([91.68, 99.76, 90.18, 5.11], ['undefended', 'NONE']),
  softplus: row([92.81, 100, 89.91, 2.07], ['undefended', 'NONE']),
};

/** Tables 12 and 17 (CIFAR-10, ResNet18): more attacks. */
export const TABLE_12_17: Record<string, PaperRow> = {
  wanet: row(
    [94.39, 96.71, 88.81, 1.17, 90.79, 2.68, 92.24, 0.69, 90.98, 0.95],
    ['undefended', 'nad', 'abl', 'NONE', 'dbd'],
  ),
  sig: row(
    [94.34, 99.08, 88.26, 1.42, 91.44, 1.29, 93.79, 1.08, 91.55, 1.51],
    ['undefended', 'nad', 'abl', 'NONE', 'dbd'],
  ),
  filter: row(
    [91.08, 99.34, 87.91, 4.38, 88.46, 2.24, 89.87, 1.2, 88.75, 1.42],
    ['undefended', 'nad', 'abl', 'NONE', 'dbd'],
  ),
  blend: row(
    [94.62, 99.86, 88.24, 1.58, 92.72, 1.7, 94.21, 0.93, 92.03, 1.96],
    ['undefended', 'nad', 'abl', 'NONE', 'dbd'],
  ),
  badnets: row([94.1, 100, 91.24, 1.25, 93.62, 1.07], ['undefended', 'dbd', 'NONE']),
  /** Table 1's label-consistent CIFAR-10 / ResNet18 row (NAD, ABL, NONE) and Table 17's DBD. */
  'label-consistent': row(
    [94.73, 83.42, 90.74, 60.74, 87.34, 2.17, 94.01, 2.14, 91.08, 1.87],
    ['undefended', 'nad', 'abl', 'NONE', 'dbd'],
  ),
};

/** Table 13 (CIFAR-10, ResNet18): selection threshold, single-target [BA, ASR]. */
export const TABLE_13: Record<string, [number, number]> = {
  'top-1': [93.11, 1.03],
  0.005: [93.1, 1.07],
  0.01: [93.13, 1.07],
  0.1: [93.11, 1.06],
  0.3: [93.14, 1.04],
  0.5: [93.08, 1.04],
  1: [93.05, 1.07],
};

/** Table 14 (CIFAR-10, ResNet18): λh and λl. */
export const TABLE_14: {
  lambdaH: Record<number, [number, number]>;
  lambdaL: Record<number, [number, number]>;
} = {
  lambdaH: { 0.3: [93.22, 1.07], 0.5: [93.05, 1.14], 0.7: [93.13, 1.11], 0.9: [93.12, 1.11] },
  lambdaL: { 0.1: [93.18, 1.13], 0.3: [93.08, 0.99], 0.5: [93.18, 1.11], 0.7: [93.11, 1.03] },
};

/** Table 15 (CIFAR-10, ResNet18, 100 epochs): wall time (s) and overhead over plain training. */
export const TABLE_15: Record<string, { seconds: number; overhead?: number }> = {
  none: { seconds: 2898.4 },
  'activation-clustering': { seconds: 4459.7, overhead: 1.5386 },
  abl: { seconds: 3197.4, overhead: 1.1031 },
  NONE: { seconds: 3149.7, overhead: 1.086 },
  dbd: { seconds: 18988.4, overhead: 18988.4 / 2898.4 },
};

/** Table 2 (natural trojans): mean REASR over budgets 2%..12%, undefended vs NONE; key `dataset|network`. */
export const TABLE_2: Record<string, PaperRow> = {
  'CIFAR-10|NiN': row([91.02, 87.62, 86.94, 34.21], ['undefended', 'NONE']),
  'CIFAR-10|VGG16': row([90.78, 71.88, 81.83, 37.49], ['undefended', 'NONE']),
  'TrojAI|VGG11': row([99.88, 72.09, 99.04, 56.68], ['undefended', 'NONE']),
  'TrojAI|ResNet18': row([99.91, 54.33, 98.13, 34.98], ['undefended', 'NONE']),
};
