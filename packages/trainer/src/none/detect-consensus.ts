import { jenksTwoClassSplit } from '@none/stats';
import { type NoneActivations, type NoneDetection, neuronColumn } from './types';

/** Options of the consensus detection (this project's fix of the released algorithm). */
export interface ConsensusDetectionOptions {
  /** Confident samples of class k: `P[i, k] > lambdaH`, as in the released code. @default 0.9 */
  lambdaH?: number;
  /** Per layer, `ceil(resetFraction * width)` neurons are reset for each backdoored class. @default 0.03 */
  resetFraction?: number;
  /** Neurons per layer that vote, the best separating first. @default 1 */
  votersPerLayer?: number;
  /** A class is backdoored when its layers' high clusters agree (mean Jaccard) at least this much. @default 0.5 */
  agreement?: number;
  /** Neurons whose flagged-sample mean is this many benign standard deviations away are reset. @default 2 */
  resetZ?: number;
  /** At most this fraction of a layer's neurons is reset. @default 0.25 */
  maxResetFraction?: number;
  /** A high cluster must hold at least this fraction of the confident samples. @default 0.01 */
  minClusterFraction?: number;
  /** ... and at most this fraction: a backdoor is a sub-population of its target class. @default 0.5 */
  maxClusterFraction?: number;
  /**
   * Per layer, the best-separating `candidatesPerLayer` clusters are candidates, and the
   * voters are the one-per-layer combination whose clusters agree most (mean Jaccard); 1
   * takes each layer's best-separating cluster. @default 1
   */
  candidatesPerLayer?: number;
}

export const CONSENSUS_DETECTION_DEFAULTS = {
  lambdaH: 0.9,
  resetFraction: 0.03,
  votersPerLayer: 1,
  agreement: 0.5,
  resetZ: 2,
  maxResetFraction: 0.25,
  minClusterFraction: 0.01,
  maxClusterFraction: 0.5,
  candidatesPerLayer: 1,
} as const satisfies Required<ConsensusDetectionOptions>;

interface Cluster {
  layer: string;
  neuron: number;
  /** Fisher separation of the 2-class Jenks split: (mean_high - mean_low) / (sd_high + sd_low). */
  separation: number;
  /** Positions (into the class's confident samples) of the high cluster. */
  members: Set<number>;
}

/**
 * Why the released algorithm misses (measured on MNIST/BadNets, see the trainer README):
 * a neuron's largest value over confident samples minus a 3-sigma bound of unconfident
 * ones ranks class-feature neurons as high as the trojan one, and a 2-class Jenks cut of
 * raw values summed over layers lands inside the clean data. What does separate poisoned
 * samples is that, *within the samples confidently predicted as the target*, they form a
 * sub-population with a distinct value on some neuron of every layer — and it is the same
 * sub-population in every layer (the trigger's hyperplane), while benign sub-styles of a
 * class that one layer singles out are not the ones the next layer singles out.
 *
 * So, for each class k, over its confident samples S_k (`P[i,k] > lambdaH`): for every
 * neuron, 2-class Jenks (Algorithm 2) splits its values into low and high clusters; the
 * neuron's separation is `(mean_high - mean_low) / (sd_high + sd_low)`, counting only high
 * clusters of `minClusterFraction..maxClusterFraction` of S_k. Each layer's
 * `votersPerLayer` best-separating neurons vote for their high-cluster samples. Class k is
 * backdoored when the layers agree — the mean pairwise Jaccard index of their high clusters
 * is at least `agreement` — and then the samples a majority of layers vote for are removed,
 * and each layer's `ceil(resetFraction * width)` best-separating neurons for k are reset.
 * A class whose layers disagree contributes nothing: clean data loses nothing.
 */
export function detectConsensus(
  activations: NoneActivations,
  options: ConsensusDetectionOptions = {},
): NoneDetection {
  const settings = { ...CONSENSUS_DETECTION_DEFAULTS, ...options };
  const { n, numClasses, probabilities } = activations;
  const flagged = new Uint8Array(n);
  const reset = new Map<string, Set<number>>();
  const classes: Array<{
    class: number;
    confident: number;
    agreement: number;
    backdoored: boolean;
    flagged: number;
  }> = [];
  for (let k = 0; k < numClasses; k++) {
    const confident: number[] = [];
    for (let i = 0; i < n; i++)
      if (probabilities[i * numClasses + k]! > settings.lambdaH) confident.push(i);
    if (confident.length < 4) continue;
    const perLayer = activations.layers.map((layer) => rankClusters(layer, confident, settings));
    const voters =
      settings.candidatesPerLayer > 1
        ? mostAgreeingVoters(perLayer, settings.candidatesPerLayer)
        : perLayer
            .map((clusters) => clusters.slice(0, settings.votersPerLayer))
            .filter((v) => v.length > 0);
    const agreement = meanPairwiseJaccard(voters.map((v) => v[0]!.members));
    const backdoored = voters.length >= 2 && agreement >= settings.agreement;
    let flaggedHere = 0;
    if (backdoored) {
      const votes = new Uint16Array(confident.length);
      let ballots = 0;
      for (const layerVoters of voters) {
        for (const cluster of layerVoters)
          for (const t of cluster.members) votes[t] = votes[t]! + 1;
        ballots += layerVoters.length;
      }
      for (let t = 0; t < confident.length; t++) {
        if (2 * votes[t]! > ballots && !flagged[confident[t]!]) {
          flagged[confident[t]!] = 1;
          flaggedHere += 1;
        }
      }
      // Compromised neurons: those whose values on the flagged samples sit |z| >= resetZ
      // standard deviations from the class's other confident samples (the z-test of
      // Algorithm 1, lines 14-16, read from the neuron's side), at least the
      // ceil(resetFraction * width) best-separating ones, at most maxResetFraction.
      const inCluster = new Uint8Array(confident.length);
      for (let t = 0; t < confident.length; t++) inCluster[t] = 2 * votes[t]! > ballots ? 1 : 0;
      activations.layers.forEach((layer, l) => {
        const chosen = reset.get(layer.layer) ?? new Set<number>();
        const limit = Math.max(1, Math.floor(settings.maxResetFraction * layer.neurons));
        const scored = zScoresOfCluster(layer, confident, inCluster)
          .filter((entry) => Math.abs(entry.z) >= settings.resetZ)
          .slice(0, limit);
        for (const entry of scored) chosen.add(entry.neuron);
        for (const cluster of perLayer[l]!.slice(
          0,
          Math.ceil(settings.resetFraction * layer.neurons),
        )) {
          if (chosen.size < limit) chosen.add(cluster.neuron);
        }
        reset.set(layer.layer, chosen);
      });
    }
    classes.push({
      class: k,
      confident: confident.length,
      agreement: round(agreement),
      backdoored,
      flagged: flaggedHere,
    });
  }
  const resetNeurons: Record<string, number[]> = {};
  for (const layer of activations.layers) {
    resetNeurons[layer.layer] = [...(reset.get(layer.layer) ?? [])].sort((a, b) => a - b);
  }
  const indices: number[] = [];
  for (let i = 0; i < n; i++) if (flagged[i]) indices.push(i);
  return {
    resetNeurons,
    flagged: Int32Array.from(indices),
    details: { variant: 'consensus', classes },
  };
}

function rankClusters(
  layer: NoneActivations['layers'][number],
  rows: readonly number[],
  settings: Required<ConsensusDetectionOptions>,
): Cluster[] {
  const clusters: Cluster[] = [];
  const minimum = settings.minClusterFraction * rows.length;
  const maximum = settings.maxClusterFraction * rows.length;
  for (let j = 0; j < layer.neurons; j++) {
    const column = neuronColumn(layer, j, rows);
    if (!hasTwoValues(column)) continue;
    const split = jenksTwoClassSplit(column);
    if (split.highCount < minimum || split.highCount > maximum) continue;
    const spread = Math.sqrt(split.lowVariance) + Math.sqrt(split.highVariance);
    const separation =
      spread > 0 ? (split.highMean - split.lowMean) / spread : Number.POSITIVE_INFINITY;
    clusters.push({
      layer: layer.layer,
      neuron: j,
      separation,
      members: new Set(split.highIndices),
    });
  }
  return clusters.sort((a, b) => b.separation - a.separation || a.neuron - b.neuron);
}

/** Per neuron, z of the cluster's mean against the mean and sd of the other rows; |z| descending. */
function zScoresOfCluster(
  layer: NoneActivations['layers'][number],
  rows: readonly number[],
  inCluster: Uint8Array,
): Array<{ neuron: number; z: number }> {
  const result: Array<{ neuron: number; z: number }> = [];
  for (let j = 0; j < layer.neurons; j++) {
    let clusterSum = 0;
    let clusterCount = 0;
    let sum = 0;
    let sumSquares = 0;
    let count = 0;
    for (let t = 0; t < rows.length; t++) {
      const value = layer.values[rows[t]! * layer.neurons + j]!;
      if (inCluster[t]) {
        clusterSum += value;
        clusterCount += 1;
      } else {
        sum += value;
        sumSquares += value * value;
        count += 1;
      }
    }
    if (clusterCount === 0 || count < 2) continue;
    const mean = sum / count;
    const sd = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
    const z = sd > 0 ? (clusterSum / clusterCount - mean) / sd : 0;
    result.push({ neuron: j, z });
  }
  return result.sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.neuron - b.neuron);
}

/** One cluster per layer among each layer's best `k`: the combination with the highest mean Jaccard. */
function mostAgreeingVoters(perLayer: readonly Cluster[][], k: number): Cluster[][] {
  const candidates = perLayer.map((c) => c.slice(0, k)).filter((c) => c.length > 0);
  let best: Cluster[] = candidates.map((c) => c[0]!);
  let bestAgreement = meanPairwiseJaccard(best.map((c) => c.members));
  const chosen: Cluster[] = [];
  const search = (layer: number) => {
    if (layer === candidates.length) {
      const agreement = meanPairwiseJaccard(chosen.map((c) => c.members));
      if (agreement > bestAgreement) {
        bestAgreement = agreement;
        best = [...chosen];
      }
      return;
    }
    for (const cluster of candidates[layer]!) {
      chosen.push(cluster);
      search(layer + 1);
      chosen.pop();
    }
  };
  search(0);
  return best.map((c) => [c]);
}

function meanPairwiseJaccard(sets: readonly Set<number>[]): number {
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      let intersection = 0;
      for (const x of sets[a]!) if (sets[b]!.has(x)) intersection += 1;
      const union = sets[a]!.size + sets[b]!.size - intersection;
      total += union === 0 ? 0 : intersection / union;
      pairs += 1;
    }
  }
  return pairs === 0 ? 0 : total / pairs;
}

function hasTwoValues(column: Float64Array): boolean {
  for (let i = 1; i < column.length; i++) if (column[i] !== column[0]) return true;
  return false;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
