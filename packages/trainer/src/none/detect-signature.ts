import { jenksTwoClassSplit } from '@none/stats';
import type { NoneDetection } from './types';

/** Options of the signature detection (this project's default NONE variant). */
export interface SignatureDetectionOptions {
  /** A sample whose input-space neighbours carry another label this often seeds a candidate group. @default 0.5 */
  disagreement?: number;
  /** A signature unit is on for at least this share of the group ... @default 0.9 */
  groupOn?: number;
  /** ... and for at most this share of the rest of the group's class. @default 0.1 */
  restOn?: number;
  /** A class is backdoored only with at least this many signature units ... @default 16 */
  minSignature?: number;
  /** ... held by a group of at least this many samples. @default 20 */
  minGroup?: number;
  /** Units that define group membership while the group is refined. @default 32 */
  memberUnits?: number;
  /** A unit defines membership only if its on-rate in the group exceeds the rest's by this. @default 0.3 */
  minGap?: number;
  /** The group's neighbours outside the group carry another label at least this often. @default 0.5 */
  contentDisagreement?: number;
}

export const SIGNATURE_DETECTION_DEFAULTS = {
  disagreement: 0.5,
  groupOn: 0.9,
  restOn: 0.1,
  minSignature: 16,
  minGroup: 20,
  memberUnits: 32,
  minGap: 0.3,
  contentDisagreement: 0.5,
} as const satisfies Required<SignatureDetectionOptions>;

/** One probed layer's activation patterns (`@none/probe`'s `LayerPattern`). */
export interface SignaturePattern {
  layer: string;
  units: number;
  channels: number;
  /** Row-major `[n, units]`, 1 where the unit's pre-activation is positive. */
  bits: Uint8Array;
}

/** What the signature detection reads. */
export interface SignatureInput {
  labels: ArrayLike<number>;
  numClasses: number;
  patterns: readonly SignaturePattern[];
  /** Per sample, the share of its nearest input-space neighbours whose label differs from its own. */
  disagreement: ArrayLike<number>;
  /**
   * For a candidate group (row indices), the share of the group's nearest neighbours
   * *outside the group* whose label differs from the group's label: high when the group's
   * images show other classes than the one they are labelled with.
   */
  groupDisagreement: (members: Int32Array) => number;
}

/** What the detection found in one class. */
export interface SignatureClassRecord {
  label: number;
  /** Samples of the class whose input-space neighbours carry other labels. */
  seeds: number;
  /** Samples of the refined group (0 when no group formed). */
  group: number;
  /** Units the group holds on and the rest of its class holds off. */
  signature: number;
  /** The group's content disagreement (null when not tested). */
  content: number | null;
  flagged: boolean;
}

/**
 * NONE's question — which neurons does a sub-population drive into one linear piece? —
 * asked of the network's activation patterns (which units are on, per sample) within each
 * class, with a test that tells a backdoor from a natural sub-style of that class:
 *
 * 1. Seeds: the samples of class k whose input-space nearest neighbours mostly carry other
 *    labels. Poisoned samples are relabelled images of other classes; most clean ones are not.
 * 2. Group: project the class's patterns on (mean of seeds − mean of the rest) and keep the
 *    high side of a 2-class Jenks split of the seeds; refine it within the seeds by the units
 *    it holds on and the rest of the class holds off; then let it grow over the whole class
 *    by the same units (poisoned samples the neighbour test missed join here).
 * 3. Signature: the units on for ≥ `groupOn` of the group and ≤ `restOn` of the rest of its
 *    class — neurons the group holds on their linear piece, the paper's trojan neurons.
 * 4. Test: a class is backdoored when the signature has ≥ `minSignature` units, the group
 *    ≥ `minGroup` samples, and the group's images look like other classes (their nearest
 *    neighbours outside the group carry other labels ≥ `contentDisagreement` of the time).
 *    A natural sub-style (slanted ones among the ones) fails the last test.
 * 5. The group is flagged; the channels of its signature units are reset.
 *
 * Nothing assumes the poisoned samples are a minority of their class (at 20% poisoning
 * they are two thirds of it), and every class is tested (label-specific attacks poison all).
 */
export function detectSignature(
  input: SignatureInput,
  options: SignatureDetectionOptions = {},
): NoneDetection {
  const o = { ...SIGNATURE_DETECTION_DEFAULTS, ...options };
  const { labels, numClasses, patterns } = input;
  const n = labels.length;
  const totalUnits = patterns.reduce((sum, p) => sum + p.units, 0);
  const onRate = (rows: ArrayLike<number>): Float64Array => {
    const rate = new Float64Array(totalUnits);
    for (let t = 0; t < rows.length; t++) {
      let offset = 0;
      for (const { units, bits } of patterns) {
        const base = rows[t]! * units;
        for (let u = 0; u < units; u++) rate[offset + u]! += bits[base + u]!;
        offset += units;
      }
    }
    if (rows.length > 0) for (let u = 0; u < totalUnits; u++) rate[u]! /= rows.length;
    return rate;
  };
  /** Unit `u` (over all layers) of row `i`. */
  const unit = (i: number, u: number): number => {
    for (const { units, bits } of patterns) {
      if (u < units) return bits[i * units + u]!;
      u -= units;
    }
    return 0;
  };
  const shareOn = (i: number, units: readonly number[]): number => {
    let on = 0;
    for (const u of units) on += unit(i, u);
    return on / units.length;
  };
  /** The units separating `group` from `rest` most, best first. */
  const memberUnits = (groupRate: Float64Array, restRate: Float64Array, maxRest: number) => {
    const candidates: number[] = [];
    for (let u = 0; u < totalUnits; u++) {
      const gap = groupRate[u]! - restRate[u]!;
      if (gap >= o.minGap && restRate[u]! <= maxRest) candidates.push(u);
    }
    candidates.sort((a, b) => groupRate[b]! - restRate[b]! - (groupRate[a]! - restRate[a]!));
    return candidates.slice(0, o.memberUnits);
  };
  const without = (rows: readonly number[], group: readonly number[]) => {
    const inGroup = new Set(group);
    return rows.filter((i) => !inGroup.has(i));
  };

  const flagged: number[] = [];
  const resetUnits = new Set<number>();
  const classes: SignatureClassRecord[] = [];
  for (let label = 0; label < numClasses; label++) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (labels[i] === label) rows.push(i);
    const seeds = rows.filter((i) => input.disagreement[i]! >= o.disagreement);
    const record: SignatureClassRecord = {
      label,
      seeds: seeds.length,
      group: 0,
      signature: 0,
      content: null,
      flagged: false,
    };
    classes.push(record);
    if (seeds.length < o.minGroup) continue;

    // 2. The seeds' high side along the direction that separates them from the rest.
    const seedRate = onRate(seeds);
    const restRate = onRate(without(rows, seeds));
    const projection = seeds.map((i) => {
      let sum = 0;
      for (let u = 0; u < totalUnits; u++) if (unit(i, u)) sum += seedRate[u]! - restRate[u]!;
      return sum;
    });
    const split = jenksTwoClassSplit(projection);
    let group = seeds.filter((_, t) => split.highMask[t]);
    // Refine within the seeds, by units the rest of the class (nearly) never holds on.
    for (let step = 0; step < 3 && group.length > 0; step++) {
      const units = memberUnits(onRate(group), onRate(without(rows, group)), o.restOn);
      if (units.length === 0) break;
      const next = seeds.filter((i) => shareOn(i, units) >= 0.5);
      if (next.length === 0) break;
      group = next;
    }
    // Grow over the whole class.
    for (let step = 0; step < 4 && group.length > 0; step++) {
      const units = memberUnits(onRate(group), onRate(without(rows, group)), 1);
      if (units.length === 0) {
        group = [];
        break;
      }
      group = rows.filter((i) => shareOn(i, units) >= 0.5);
    }
    record.group = group.length;
    if (group.length < o.minGroup) continue;

    // 3. The signature.
    const groupRate = onRate(group);
    const othersRate = onRate(without(rows, group));
    const signature: number[] = [];
    for (let u = 0; u < totalUnits; u++) {
      if (groupRate[u]! >= o.groupOn && othersRate[u]! <= o.restOn) signature.push(u);
    }
    record.signature = signature.length;
    if (signature.length < o.minSignature) continue;

    // 4. Do the group's images show other classes?
    record.content = input.groupDisagreement(Int32Array.from(group));
    if (record.content < o.contentDisagreement) continue;
    record.flagged = true;
    flagged.push(...group);
    for (const u of signature) resetUnits.add(u);
  }

  // 5. Channels of the signature units, per layer.
  const resetNeurons: Record<string, number[]> = {};
  let offset = 0;
  for (const { layer, units, channels } of patterns) {
    const set = new Set<number>();
    for (const u of resetUnits)
      if (u >= offset && u < offset + units) set.add((u - offset) % channels);
    resetNeurons[layer] = [...set].sort((a, b) => a - b);
    offset += units;
  }
  return {
    resetNeurons,
    flagged: Int32Array.from(flagged.sort((a, b) => a - b)),
    details: { classes },
  };
}
