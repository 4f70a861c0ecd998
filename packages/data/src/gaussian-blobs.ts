import type { RandomOptions } from '@none/stats';
import { resolveRandom } from './_resolve-random';
import { GAUSSIAN_BLOBS_DEFAULTS } from './defaults';
import { DataError } from './errors';
import type { ImageDataset } from './image-dataset';

/** Options of {@link gaussianBlobs}. Either `seed` or `random` is required. */
export interface GaussianBlobsOptions extends RandomOptions {
  /**
   * Number of points.
   * @default 1000
   */
  n?: number;
  /**
   * Blob centres, one per class. By default `numClasses` centres evenly spaced on a circle of
   * radius 0.35 around (0.5, 0.5), the first at angle 0.
   */
  centers?: [x: number, y: number][];
  /**
   * Number of blobs when `centers` is not given.
   * @default 5
   */
  numClasses?: number;
  /**
   * Standard deviation of each coordinate (the blobs are isotropic).
   * @default 0.06
   */
  std?: number;
}

/** 2-D points with labels, as made by {@link gaussianBlobs}. */
export interface PointDataset {
  /** `n * 2` coordinates, `[x0, y0, x1, y1, ...]`. */
  points: Float32Array;
  shape: [n: number, dimensions: 2];
  labels: Int32Array;
  numClasses: number;
  /** The centre of each class. */
  centers: [x: number, y: number][];
}

/**
 * Isotropic Gaussian blobs in 2-D, one class per blob: the toy data of the paper's §8.1
 * (Fig. 4: five blobs, an MLP of 5 x 100 ReLU units, a BadNets trigger that sets y = 0.6).
 * Point `i` belongs to class `i mod K` (classes are balanced and interleaved) and is
 * `center + std * (normal(), normal())`, drawing x then y.
 *
 * @example
 * ```ts
 * const blobs = gaussianBlobs({ n: 500, seed: 0 });
 * blobs.points.length; // 1000 (500 points x 2)
 * blobs.labels[7];     // 2
 * ```
 * @throws DataError `E_INVALID_ARGUMENT` for a bad `n`, `std`, `numClasses` or `centers`, or
 * neither `seed` nor `random`
 * @see the paper's §8.1, following J. Bai et al., "Targeted attack against deep neural
 * networks via flipping limited weight bits", ICLR 2021 (its reference [59])
 */
export function gaussianBlobs(options: GaussianBlobsOptions): PointDataset {
  const {
    n = GAUSSIAN_BLOBS_DEFAULTS.n,
    numClasses = options.centers?.length ?? GAUSSIAN_BLOBS_DEFAULTS.numClasses,
    std = GAUSSIAN_BLOBS_DEFAULTS.std,
  } = options;
  if (!Number.isInteger(n) || n < 0) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `gaussianBlobs: n must be a non-negative integer, got ${n}`,
    );
  }
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `gaussianBlobs: std must be a finite number >= 0, got ${std}`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `gaussianBlobs: numClasses must be a positive integer, got ${numClasses}`,
    );
  }
  const centers: [number, number][] =
    options.centers?.map(([x, y]) => [x, y]) ??
    Array.from({ length: numClasses }, (_, k) => {
      const angle = (2 * Math.PI * k) / numClasses;
      const { radius } = GAUSSIAN_BLOBS_DEFAULTS;
      return [0.5 + radius * Math.cos(angle), 0.5 + radius * Math.sin(angle)];
    });
  if (centers.length !== numClasses || !centers.every((c) => c.every(Number.isFinite))) {
    throw new DataError(
      'E_INVALID_ARGUMENT',
      `gaussianBlobs: expected ${numClasses} finite [x, y] centers, got ${JSON.stringify(options.centers)}`,
    );
  }
  const random = resolveRandom(options, 'gaussianBlobs');
  const points = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % numClasses;
    const [x, y] = centers[label]!;
    labels[i] = label;
    points[2 * i] = x + std * random.normal();
    points[2 * i + 1] = y + std * random.normal();
  }
  return { points, shape: [n, 2], labels, numClasses, centers };
}

/**
 * Views 2-D points as an {@link ImageDataset} of shape [n, 1, 1, 2] (one "pixel" with two
 * "channels", the coordinates), so the training code can take them. The values are
 * coordinates, not intensities: they are not limited to [0, 1]. Copies the arrays.
 */
export function pointsToImageDataset(dataset: PointDataset): ImageDataset {
  return {
    images: dataset.points.slice(),
    shape: [dataset.shape[0], 1, 1, 2],
    labels: dataset.labels.slice(),
    numClasses: dataset.numClasses,
  };
}
