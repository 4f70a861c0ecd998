import { StatsError } from './errors';

function invalid(message: string): StatsError {
  return new StatsError('E_INVALID_ARGUMENT', message);
}

/**
 * Mean silhouette coefficient of a clustering: for every point, `(b - a) / max(a, b)` with
 * `a` its mean distance to the other points of its cluster and `b` the smallest mean distance
 * to the points of another cluster (0 for a point alone in its cluster). In [-1, 1]; high
 * means compact, well separated clusters. O(rows^2 columns).
 *
 * @example
 * ```ts
 * silhouetteScore(Float64Array.from([0, 1, 10, 11]), 4, 1, Int32Array.from([0, 0, 1, 1]));
 * // (0.9 + 0.9 + 0.9 + 0.9) / 4 ≈ 0.9
 * ```
 * @returns NaN when fewer than two clusters are populated
 * @throws {StatsError} `E_INVALID_ARGUMENT` for sizes that do not match or negative assignments
 * @see P. J. Rousseeuw, "Silhouettes: a graphical aid to the interpretation and validation of
 * cluster analysis", J. Comput. Appl. Math. 20, 1987
 */
export function silhouetteScore(
  points: ArrayLike<number>,
  rows: number,
  columns: number,
  assignments: ArrayLike<number>,
): number {
  if (
    !Number.isInteger(rows) ||
    !Number.isInteger(columns) ||
    columns < 1 ||
    points.length !== rows * columns ||
    assignments.length !== rows
  ) {
    throw invalid(
      `silhouetteScore: expected ${rows} * ${columns} points and ${rows} assignments, got ${points.length} points and ${assignments.length} assignments`,
    );
  }
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const a = assignments[i]!;
    if (!Number.isInteger(a) || a < 0) {
      throw invalid(`silhouetteScore: assignments must be integers >= 0, got ${a} at ${i}`);
    }
    k = Math.max(k, a + 1);
  }
  const sizes = new Float64Array(k);
  for (let i = 0; i < rows; i++) sizes[assignments[i]!]! += 1;
  if (sizes.filter((size) => size > 0).length < 2) return Number.NaN;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    sums.fill(0);
    for (let j = 0; j < rows; j++) {
      if (i === j) continue;
      let d = 0;
      for (let c = 0; c < columns; c++) {
        const e = points[i * columns + c]! - points[j * columns + c]!;
        d += e * e;
      }
      sums[assignments[j]!]! += Math.sqrt(d);
    }
    const own = assignments[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    }
    const denominator = Math.max(a, b);
    total += denominator > 0 ? (b - a) / denominator : 0;
  }
  return total / rows;
}
