import {
  createRandom,
  deriveSeed,
  kMeans,
  principalComponents,
  projectOntoComponents,
  silhouetteScore,
} from '@none/stats';
import { BaselineError } from './errors';

/** Last-hidden-layer activations of a training set, with its labels. */
export interface ClusteringActivations {
  /** Row-major `[n, neurons]` activations (e.g. `@none/probe`'s `post` values of `fc1`). */
  values: Float32Array;
  /** Neurons per sample. */
  neurons: number;
  /** Label of every sample (the possibly poisoned one), in [0, numClasses). */
  labels: Int32Array;
  numClasses: number;
}

/** Options of {@link activationClustering}. */
export interface ActivationClusteringOptions {
  /** Dimensions kept by the PCA before clustering. @default 10 */
  components?: number;
  /** A class is flagged when its smaller cluster holds at most this fraction of it. @default 0.35 */
  sizeThreshold?: number;
  /**
   * Also require the 2-means silhouette score to reach this value (computed on at most
   * `silhouetteSamples` samples of the class). @default undefined: size test only
   */
  silhouetteThreshold?: number;
  /** Report the silhouette score of every class even without a threshold. @default false */
  silhouette?: boolean;
  /** Samples per class the silhouette score is computed on (seeded subsample). @default 1000 */
  silhouetteSamples?: number;
  /** k-means++ starts per class. @default 10 */
  restarts?: number;
  /** Seed of the k-means initialisations and the silhouette subsamples. */
  seed: number;
}

/** The clustering of one class. */
export interface ClassClustering {
  class: number;
  /** Samples of the class. */
  count: number;
  /** Sizes of the two clusters, the smaller first ([count, 0] for fewer than two samples). */
  sizes: [number, number];
  /** Fraction of the class in the smaller cluster. */
  relativeSize: number;
  /** Mean silhouette coefficient of the 2-means split, when requested. */
  silhouette?: number;
  /** Whether the smaller cluster was flagged as poisoned. */
  flagged: boolean;
}

/** What {@link activationClustering} returns. */
export interface ActivationClusteringResult {
  /** Samples (row indices of the activations) in a flagged cluster, ascending. */
  flagged: Int32Array;
  perClass: ClassClustering[];
}

/** The defaults of {@link activationClustering}, from Chen et al. */
export const ACTIVATION_CLUSTERING_DEFAULTS = Object.freeze({
  components: 10,
  sizeThreshold: 0.35,
  silhouetteSamples: 1000,
  restarts: 10,
});

function invalid(message: string): BaselineError {
  return new BaselineError('E_INVALID_ARGUMENT', message);
}

function checkInput(input: ClusteringActivations): number {
  const caller = 'activationClustering';
  const { values, neurons, labels, numClasses } = input;
  if (!Number.isInteger(neurons) || neurons < 1) {
    throw invalid(`${caller}: neurons must be a positive integer, got ${neurons}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw invalid(`${caller}: numClasses must be a positive integer, got ${numClasses}`);
  }
  const n = labels.length;
  if (values.length !== n * neurons) {
    throw invalid(
      `${caller}: values must hold labels.length * neurons = ${n} * ${neurons} numbers, got ${values.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= numClasses) {
      throw invalid(`${caller}: labels must lie in [0, ${numClasses}), got ${label} at ${i}`);
    }
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw invalid(
        `${caller}: values must be finite, got ${values[i]} at sample ${Math.floor(i / neurons)}`,
      );
    }
  }
  return n;
}

/**
 * Activation Clustering (Chen et al. 2018): for every class (by its possibly poisoned label),
 * reduces the last hidden layer's activations of its samples to `components` dimensions with
 * PCA, splits them with 2-means (k-means++, seeded restarts) and flags the smaller cluster
 * when it holds at most `sizeThreshold` of the class (and, if `silhouetteThreshold` is set,
 * the split's silhouette score reaches it). Poisoned samples activate the network for a
 * different reason than clean ones of their target class, so they form a small separate
 * cluster; an unpoisoned class splits about evenly. The flagged samples are removed before
 * retraining. Pure: works on the activations, not the model (the paper uses ICA, this uses
 * PCA, which the paper reports works as well).
 *
 * @example
 * ```ts
 * const probe = createActivationProbe(model, { layers: ['fc1'], point: 'post' });
 * const { layers } = await probe.collect(train);
 * probe.dispose();
 * const { flagged, perClass } = activationClustering(
 *   { values: layers[0].values, neurons: layers[0].neurons,
 *     labels: Int32Array.from(train.labels), numClasses: 10 },
 *   { seed: 0 },
 * );
 * // retrain on the samples not in `flagged` (e.g. trainEpochs with `indices`)
 * ```
 * @throws BaselineError `E_INVALID_ARGUMENT` for activations that do not match the labels,
 * labels outside [0, numClasses), non-finite values or a bad option
 * @see B. Chen, W. Carvalho, N. Baracaldo, H. Ludwig, B. Edwards, T. Lee, I. Molloy,
 * B. Srivastava, "Detecting backdoor attacks on deep neural networks by activation
 * clustering", AAAI SafeAI workshop 2019, arXiv:1811.03728 (2018)
 */
export function activationClustering(
  input: ClusteringActivations,
  options: ActivationClusteringOptions,
): ActivationClusteringResult {
  const caller = 'activationClustering';
  const {
    components = ACTIVATION_CLUSTERING_DEFAULTS.components,
    sizeThreshold = ACTIVATION_CLUSTERING_DEFAULTS.sizeThreshold,
    silhouetteThreshold,
    silhouetteSamples = ACTIVATION_CLUSTERING_DEFAULTS.silhouetteSamples,
    restarts = ACTIVATION_CLUSTERING_DEFAULTS.restarts,
    seed,
  } = options;
  if (!Number.isInteger(components) || components < 1) {
    throw invalid(`${caller}: components must be a positive integer, got ${components}`);
  }
  if (!(sizeThreshold >= 0 && sizeThreshold <= 0.5)) {
    throw invalid(`${caller}: sizeThreshold must be a number in [0, 0.5], got ${sizeThreshold}`);
  }
  if (
    silhouetteThreshold !== undefined &&
    !(silhouetteThreshold >= -1 && silhouetteThreshold <= 1)
  ) {
    throw invalid(
      `${caller}: silhouetteThreshold must be a number in [-1, 1], got ${silhouetteThreshold}`,
    );
  }
  if (!Number.isInteger(silhouetteSamples) || silhouetteSamples < 2) {
    throw invalid(`${caller}: silhouetteSamples must be an integer >= 2, got ${silhouetteSamples}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw invalid(`${caller}: seed must be a safe integer, got ${seed}`);
  }
  const n = checkInput(input);
  const { values, neurons, labels, numClasses } = input;
  const wantSilhouette = options.silhouette === true || silhouetteThreshold !== undefined;
  const members: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]!]!.push(i);
  const flagged: number[] = [];
  const perClass: ClassClustering[] = members.map((rows, label) => {
    const count = rows.length;
    if (count < 2) {
      return { class: label, count, sizes: [count, 0], relativeSize: 0, flagged: false };
    }
    const data = new Float64Array(count * neurons);
    rows.forEach((row, r) => {
      for (let j = 0; j < neurons; j++) data[r * neurons + j] = values[row * neurons + j]!;
    });
    const pca = principalComponents(data, count, neurons, components);
    const reduced = projectOntoComponents(data, count, pca);
    const k = pca.components.length / neurons;
    const { assignments, sizes } = kMeans(reduced, count, k, {
      k: 2,
      seed: deriveSeed(seed, 'activation-clustering-k-means', label),
      restarts,
    });
    const small = sizes[0]! <= sizes[1]! ? 0 : 1;
    const smallSize = sizes[small]!;
    const relativeSize = smallSize / count;
    const result: ClassClustering = {
      class: label,
      count,
      sizes: [smallSize, count - smallSize],
      relativeSize,
      flagged: false,
    };
    if (wantSilhouette) {
      result.silhouette = sampledSilhouette(
        reduced,
        count,
        k,
        assignments,
        silhouetteSamples,
        seed,
        label,
      );
    }
    const passesSilhouette =
      silhouetteThreshold === undefined ||
      (result.silhouette !== undefined && result.silhouette >= silhouetteThreshold);
    if (smallSize > 0 && relativeSize <= sizeThreshold && passesSilhouette) {
      result.flagged = true;
      rows.forEach((row, r) => {
        if (assignments[r] === small) flagged.push(row);
      });
    }
    return result;
  });
  return { flagged: Int32Array.from(flagged).sort(), perClass };
}

function sampledSilhouette(
  reduced: Float64Array,
  count: number,
  k: number,
  assignments: Int32Array,
  maximum: number,
  seed: number,
  label: number,
): number {
  if (count <= maximum) return silhouetteScore(reduced, count, k, assignments);
  const chosen = createRandom(deriveSeed(seed, 'activation-clustering-sample', label)).sample(
    count,
    maximum,
  );
  const points = new Float64Array(maximum * k);
  const labels = new Int32Array(maximum);
  chosen.forEach((row, r) => {
    labels[r] = assignments[row]!;
    for (let j = 0; j < k; j++) points[r * k + j] = reduced[row * k + j]!;
  });
  return silhouetteScore(points, maximum, k, labels);
}
