import { StatsError } from './errors';
import { createRandom, type Random } from './random';

/** Options of {@link kMeans}. */
export interface KMeansOptions {
  /** Clusters. */
  k: number;
  /** Seed of the k-means++ initialisations. */
  seed: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins. @default 10 */
  restarts?: number;
  /** Lloyd iterations per start. @default 100 */
  maxIterations?: number;
}

/** What {@link kMeans} returns. */
export interface KMeansResult {
  /** Cluster of every point, in [0, k). */
  assignments: Int32Array;
  /** Row-major `[k, columns]` centroids. */
  centroids: Float64Array;
  /** Points per cluster. */
  sizes: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
}

function invalid(message: string): StatsError {
  return new StatsError('E_INVALID_ARGUMENT', message);
}

function squaredDistance(
  points: ArrayLike<number>,
  i: number,
  centroids: ArrayLike<number>,
  c: number,
  columns: number,
): number {
  let sum = 0;
  for (let j = 0; j < columns; j++) {
    const d = points[i * columns + j]! - centroids[c * columns + j]!;
    sum += d * d;
  }
  return sum;
}

/** k-means++ seeding: the first centre uniformly, each next one with probability ~ D^2. */
function seedCentroids(
  points: ArrayLike<number>,
  rows: number,
  columns: number,
  k: number,
  random: Random,
): Float64Array {
  const centroids = new Float64Array(k * columns);
  const copy = (row: number, c: number) => {
    for (let j = 0; j < columns; j++) centroids[c * columns + j] = points[row * columns + j]!;
  };
  copy(random.int(rows), 0);
  const nearest = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(points, i, centroids, c - 1, columns));
      total += nearest[i]!;
    }
    let chosen = random.int(rows);
    if (total > 0) {
      let target = random.next() * total;
      for (let i = 0; i < rows; i++) {
        target -= nearest[i]!;
        if (target < 0) {
          chosen = i;
          break;
        }
      }
    }
    copy(chosen, c);
  }
  return centroids;
}

function lloyd(
  points: ArrayLike<number>,
  rows: number,
  columns: number,
  k: number,
  centroids: Float64Array,
  maxIterations: number,
): KMeansResult {
  const assignments = new Int32Array(rows).fill(-1);
  const sizes = new Int32Array(k);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = false;
    for (let i = 0; i < rows; i++) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const d = squaredDistance(points, i, centroids, c, columns);
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      if (assignments[i] !== best) {
        assignments[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    centroids.fill(0);
    sizes.fill(0);
    for (let i = 0; i < rows; i++) {
      const c = assignments[i]!;
      sizes[c]! += 1;
      for (let j = 0; j < columns; j++) centroids[c * columns + j]! += points[i * columns + j]!;
    }
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < columns; j++) {
        if (sizes[c]! > 0) centroids[c * columns + j]! /= sizes[c]!;
      }
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c]! > 0) continue;
      // An empty cluster restarts at the point farthest from its centroid.
      let farthest = 0;
      let farthestDistance = -1;
      for (let i = 0; i < rows; i++) {
        const own = assignments[i]!;
        if (sizes[own]! <= 1) continue;
        const d = squaredDistance(points, i, centroids, own, columns);
        if (d > farthestDistance) {
          farthestDistance = d;
          farthest = i;
        }
      }
      sizes[assignments[farthest]!]! -= 1;
      sizes[c] = 1;
      assignments[farthest] = c;
      for (let j = 0; j < columns; j++)
        centroids[c * columns + j] = points[farthest * columns + j]!;
    }
  }
  sizes.fill(0);
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    sizes[assignments[i]!]! += 1;
    inertia += squaredDistance(points, i, centroids, assignments[i]!, columns);
  }
  return { assignments, centroids, sizes, inertia };
}

/**
 * k-means clustering (Lloyd's algorithm) of row-major `[rows, columns]` points with
 * k-means++ seeding, `restarts` times from a seeded generator; returns the start with the
 * lowest inertia. Deterministic for a seed. An empty cluster is re-seeded with the point
 * farthest from its centroid.
 *
 * @example
 * ```ts
 * const points = Float64Array.from([0, 0, 0, 1, 10, 10, 10, 11]);
 * const { assignments, sizes } = kMeans(points, 4, 2, { k: 2, seed: 0 });
 * // assignments = [a, a, b, b] with a !== b; sizes = [2, 2]
 * ```
 * @throws {StatsError} `E_INVALID_ARGUMENT` for sizes that do not match the points, fewer
 * points than clusters, or a bad k, seed, restarts or maxIterations
 * @see S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982;
 * D. Arthur, S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007
 */
export function kMeans(
  points: ArrayLike<number>,
  rows: number,
  columns: number,
  options: KMeansOptions,
): KMeansResult {
  const { k, seed, restarts = 10, maxIterations = 100 } = options;
  const caller = 'kMeans';
  if (!Number.isInteger(columns) || columns < 1) {
    throw invalid(`${caller}: columns must be a positive integer, got ${columns}`);
  }
  if (!Number.isInteger(rows) || rows < 0 || points.length !== rows * columns) {
    throw invalid(
      `${caller}: points must hold rows * columns = ${rows} * ${columns} numbers, got ${points.length}`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > rows) {
    throw invalid(`${caller}: k must be an integer in [1, rows = ${rows}], got ${k}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw invalid(`${caller}: seed must be a safe integer, got ${seed}`);
  }
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw invalid(`${caller}: restarts must be a positive integer, got ${restarts}`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw invalid(`${caller}: maxIterations must be a positive integer, got ${maxIterations}`);
  }
  const random = createRandom(seed);
  let best: KMeansResult | undefined;
  for (let start = 0; start < restarts; start++) {
    const centroids = seedCentroids(points, rows, columns, k, random);
    const result = lloyd(points, rows, columns, k, centroids, maxIterations);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}
