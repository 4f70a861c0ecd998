import { jenksTwoClassSplit } from '@none/stats';
import { ClassPatterns } from './class-patterns';
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
  /**
   * ... held by a group of at least `minGroupShare` of the training set (rounded) and at
   * least `minGroup` samples. A share, because a backdoor's share of the data is what stays
   * when the data shrinks: a label-specific attack at 5% puts 0.5% of the samples in each
   * class (40 of 8,000 digits, but 12–28 of the 4,000-digit subset, where an absolute 20
   * missed every class with fewer than 20). @default 0.0025 (20 of 8,000 samples)
   */
  minGroupShare?: number;
  /** The floor of that bound, for small sets. @default 10 */
  minGroup?: number;
  /**
   * A third start from the seeds is refined by units the rest of the class holds on at most
   * this often: when clean seeds share units with the poisoned ones (odd 9s beside 8s
   * relabelled 9), the `restOn` refinement follows the shared units and drifts; units the
   * rest (almost) never holds on are the trigger's. `null`: no third start. @default 0.02
   */
  strictRestOn?: number | null;
  /** Units that define group membership while the group is refined. @default 32 */
  memberUnits?: number;
  /** A unit defines membership only if its on-rate in the group exceeds the rest's by this. @default 0.3 */
  minGap?: number;
  /**
   * The content test: the group's nearest neighbours outside the group carry another label
   * at least this often (its images show other classes). Measured on the robustness
   * matrix at 03f144f: backdoor groups 0.97-1.00; natural sub-styles of a class 0.13-0.75.
   * A group that is nearly its whole class passes trivially: see `contentMargin`. On SIG
   * seed 1 the clean side of the target class (801 clean 0s) measured 0.86 and only this
   * bar kept it (see the trainer README).
   * @default 0.9
   */
  contentDisagreement?: number;
  /**
   * The content test's baseline: the group's content must exceed, by at least this, the
   * content of as many rows of its class evenly spaced (`contentBaseline` in the class
   * record). A group that is nearly its whole class leaves no row of its label outside it,
   * so its neighbours outside it carry other labels whatever it shows; a same-size slice of
   * the class then scores nearly as high. Measured on the groups the matrix removed at
   * c33fe31: the 67 backdoor groups of the small CNN beat their slice by 0.53–0.98 (the least
   * at 20% poisoning and on SIG, where the poison is two thirds or half of the target class);
   * groups of a class's clean majority on ResNet18 label-specific (319–395 of ~400 rows) by
   * 0.09–0.32. A poison that is nearly its whole target class would be missed for the same
   * reason (see the trainer README for the rates measured).
   * @default 0.4
   */
  contentMargin?: number;
  /**
   * Also start groups from either side of the class's principal direction (finds 7x7 and
   * 9x9 patches, whose poisoned images are each other's neighbours and so never seeds).
   * Such groups also face `maxStay`. @default true
   */
  principalStarts?: boolean;
  /**
   * Reset test of the groups started from the principal direction (needs
   * `SignatureInput.groupStays`): with the channels of the candidate's signature zeroed, at
   * most this share of the group may still be predicted as its label. A backdoor's samples
   * are images of other classes held in class k by the trojan neurons: without them they
   * leave k; the clean side of a split class stays. Seeded groups, which the input-space
   * neighbours already vouch for, are not asked. `null`: no reset test.
   * @default 0.5
   */
  maxStay?: number | null;
  /**
   * Trojan neurons hold a backdoor's samples in their label; a group the model does not yet
   * hold there (less than this share predicted as its label, nothing reset) has none to
   * reset. Such a group, when it passes the content test from the seeds, is removed and its
   * signature channels are left alone: they carry the features of the images' true class
   * (measured on NiN 1/4 label-specific, whose warm-up had not learnt the backdoor, ASR
   * 1–2%: resetting 29–42 of 48 channels cost 4–21 points of BA). A group from the
   * principal direction, which only the reset test vouches for, is then not flagged. Asked
   * of the model through `SignatureInput.groupStays`; `null`: not asked. @default 0.5
   */
  minHeld?: number | null;
  /**
   * A class where no candidate passed, or whose flagged group the model does not hold
   * (`minHeld`): its seeds as one group, flagged when their content reaches this (and beats
   * their slice by `contentMargin`). Removed, nothing reset: no unit vouches for such a
   * group, so the bar is stricter than `contentDisagreement`. It catches backdoors the
   * network has not (yet) formed a signature for: a patch at a random position, WaNet's warp
   * (signatures of 1–3 units at the warm-up; undefended ASR 29–76% after 10 epochs), a
   * target class whose signature candidates are its clean side (SIG seed 1), and, beside a
   * group the model does not hold (NiN 1/4 BadNets: 93 of ~200 poisoned samples, held 1–9%),
   * the rest of the backdoor. Measured on the robustness matrix's data (the seeds depend on
   * the data only): the target classes' seeds of all-to-one attacks score 0.95–1.00 on the
   * small CNN's 8,000 digits, 0.97–0.98 on the 4,000-digit subset; the seeds of the clean
   * classes of every cell at most 0.82 and 0.84. `null`: no such group. @default 0.95
   */
  seedContent?: number | null;
  /**
   * Flagged seeds are grown, then pruned, by their own nearest neighbours outside the flagged
   * set (read through `SignatureInput.memberDisagreement`); nothing of a signature group is
   * asked. Grown: a row of the class whose neighbours outside the set carry another label at
   * least `disagreement` of the time joins it (a seed of what remains; repeated until none
   * joins, at most 5 times). Poisoned images of one source class are one another's
   * neighbours, so those the seeds missed sit beside those they found. Pruned: a member no
   * unit vouches for is removed only if its neighbours outside the set carry another label at
   * least this often (the content test, asked of each member): a poisoned image shows its
   * source class once the poison is set aside; a clean seed is an odd image of its own class,
   * some of whose neighbours still carry its label. Measured on the robustness matrix's
   * removals at 9849a4d (data only): the clean seeds removed beside the dynamic patch, WaNet
   * and SIG (5–10 a run) score 0.5–0.8 in the median, 2 a run reach 0.9; pruning alone left
   * 6–7 more poisoned samples on the 4,000-digit subset (NiN 1/4 BadNets seed 1, ResNet18
   * 1/8 seed 2: recall 94% → 91%), growing first 1–4 in all (recall 98–99.5%).
   * `null`: the seeds are removed as they are. @default 0.9
   */
  seedMemberContent?: number | null;
}

export const SIGNATURE_DETECTION_DEFAULTS = {
  disagreement: 0.5,
  groupOn: 0.9,
  restOn: 0.1,
  minSignature: 16,
  minGroupShare: 0.0025,
  minGroup: 10,
  strictRestOn: 0.02,
  memberUnits: 32,
  minGap: 0.3,
  contentDisagreement: 0.9,
  contentMargin: 0.4,
  principalStarts: true,
  maxStay: 0.5,
  minHeld: 0.5,
  seedContent: 0.95,
  seedMemberContent: 0.9,
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
  /**
   * For a candidate group and the channels of its signature units (per layer), the share of
   * the group the model still predicts as the group's label with those channels zeroed
   * (read by `maxStay`; with no channels, by `minHeld`).
   */
  groupStays?: (members: Int32Array, resetNeurons: Record<string, number[]>) => number;
  /**
   * Per `asked` row (row indices, in `set` or not), the share of its nearest neighbours
   * *outside `set`* whose label differs from its own (read by `seedMemberContent`).
   */
  memberDisagreement?: (set: Int32Array, asked: Int32Array) => ArrayLike<number>;
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
  /** The content of a same-size evenly spaced slice of the class (null when not tested). */
  contentBaseline: number | null;
  /** The content of the class's seeds as one group (null when not tested: a held group was flagged). */
  seedContent: number | null;
  /**
   * The class's seeds were flagged (`seedContent`): alone when no candidate passed
   * (`signature` 0), or beside a flagged group the model does not hold; nothing reset for them.
   */
  seedsFlagged: boolean;
  /** Rows the flagged seeds grew by (`seedMemberContent`; 0 when not asked). */
  seedsGrown: number;
  /** Members of the grown seeds kept in the data: their own content fell short (`seedMemberContent`). */
  seedsPruned: number;
  /** The share of the group still predicted as its label with its signature reset (null when not tested). */
  stays: number | null;
  /** The share of the group the model predicts as its label, nothing reset (null when not asked). */
  held: number | null;
  flagged: boolean;
  /** Whether the flagged group's signature channels are reset (false: the model had not learnt it). */
  reset: boolean;
}

/**
 * NONE's question — which neurons does a sub-population drive into one linear piece? —
 * asked of the network's activation patterns (which units are on, per sample) within each
 * class, with a test that tells a backdoor from a natural sub-style of that class:
 *
 * 1. Seeds: the samples of class k whose input-space nearest neighbours mostly carry other
 *    labels. Poisoned samples are relabelled images of other classes; most clean ones are not.
 * 2. Candidate groups, from two kinds of start: the high side of a 2-class Jenks split of the
 *    seeds projected on (mean of seeds − mean of the class), refined within the seeds by the
 *    units it holds on while the rest of the class holds them off (≤ `restOn`, and, as
 *    another candidate, ≤ `strictRestOn`), or, when a poisoned rest leaves no such unit, by
 *    the units it holds on nearly always; and either side of a Jenks
 *    split of the class on its principal direction (a large trigger makes poisoned images
 *    each other's neighbours, so they are not seeds). Each start then grows over the whole
 *    class by the units that separate it most.
 * 3. Signature: the units on for ≥ `groupOn` of a group and ≤ `restOn` of the rest of its
 *    class — neurons the group holds on their linear piece, the paper's trojan neurons.
 * 4. Test: the candidate with the largest signature that has ≥ `minSignature` units, ≥
 *    `minGroupShare` of the set (and ≥ `minGroup`) samples, and whose images look like other
 *    classes (their nearest neighbours outside the group carry other labels ≥
 *    `contentDisagreement` of the time, and by `contentMargin` more often than those of a
 *    same-size slice of the class) is flagged.
 *    A natural sub-style (slanted ones among the ones) fails the last test. With `maxStay`,
 *    a group started from the principal direction must also leave its class when its
 *    signature channels are zeroed (at most `maxStay` of it still predicted as its label): a
 *    backdoor's images show other classes and are held in k only by the trojan neurons,
 *    while the clean side of a split class (whose neighbours outside the group are all other
 *    digits, so it passes the content test) stays.
 *    A class where no candidate passes is flagged as its seeds alone when their content
 *    reaches the stricter `seedContent` (a backdoor with no signature yet: a patch at a
 *    random position, a warp); so are the seeds beside a flagged group the model does not
 *    hold (step 5). Flagged seeds grow by the rows of the class beside them and keep only
 *    the members that show other classes themselves (`seedMemberContent`). Nothing is reset
 *    for the seeds.
 * 5. The flagged groups are removed; the channels of their signature units are reset when
 *    the model holds the group in its label (`minHeld`; a backdoor it has not learnt has no
 *    trojan neurons, and its signature is then the true class's features).
 *
 * Nothing assumes the poisoned samples are a minority of their class (at 20% poisoning
 * they are two thirds of it), and every class is tested (label-specific attacks poison all).
 */
export function detectSignature(
  input: SignatureInput,
  options: SignatureDetectionOptions = {},
): NoneDetection {
  const o = { ...SIGNATURE_DETECTION_DEFAULTS, ...options };
  const { labels, numClasses } = input;
  const n = labels.length;
  const bits = concatenatePatterns(input.patterns, n);
  const units = bits.length / Math.max(1, n);
  const minGroup = Math.max(o.minGroup, Math.round(o.minGroupShare * n));
  /** The share of `members` the model predicts as their label, nothing reset (`minHeld`). */
  const heldShare = (members: Int32Array) =>
    o.minHeld !== null && input.groupStays ? input.groupStays(members, {}) : null;

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
      contentBaseline: null,
      seedContent: null,
      seedsFlagged: false,
      seedsGrown: 0,
      seedsPruned: 0,
      stays: null,
      held: null,
      flagged: false,
      reset: false,
    };
    classes.push(record);
    if (rows.length < 2 * minGroup) continue;
    const patterns = new ClassPatterns(bits, units, rows);

    // 2. Candidate groups, from two starts: the seeds' side of their separating direction
    // (refined by units the rest never holds on, or by units the group always holds on), and
    // (`principalStarts`) the two sides of the class's principal direction (where a large
    // trigger makes poisoned images each other's neighbours, so they are not seeds).
    const candidates: { group: number[]; signature: number[]; principal?: boolean }[] = [];
    if (seeds.length >= minGroup) {
      const split = jenksTwoClassSplit(patterns.project(seeds, patterns.difference(seeds)));
      const high = seeds.filter((_, t) => split.highMask[t]);
      candidates.push(
        patterns.grow(high, seeds, 'rest-off', o),
        patterns.grow(high, seeds, 'group-on', o),
      );
      if (o.strictRestOn !== null) {
        candidates.push(
          patterns.grow(high, seeds, 'rest-off', { ...o, memberRestOn: o.strictRestOn }),
        );
      }
    }
    if (o.principalStarts) {
      const split = jenksTwoClassSplit(
        patterns.project(patterns.rows, patterns.principalDirection()),
      );
      for (const side of [true, false]) {
        const start = patterns.rows.filter((_, t) => Boolean(split.highMask[t]) === side);
        candidates.push({
          ...patterns.grow(start, patterns.rows, 'rest-off', o),
          principal: true,
        });
      }
    }
    candidates.sort((a, b) => b.signature.length - a.signature.length);

    // 3-4. The most linear candidate that is large enough and shows other classes.
    let chosen: number[] = [];
    for (const candidate of candidates) {
      record.group = Math.max(record.group, candidate.group.length);
      record.signature = Math.max(record.signature, candidate.signature.length);
      if (candidate.group.length < minGroup || candidate.signature.length < o.minSignature) {
        continue;
      }
      const members = Int32Array.from(candidate.group);
      const content = input.groupDisagreement(members);
      record.content = Math.max(record.content ?? 0, content);
      if (content < o.contentDisagreement) continue;
      const baseline = input.groupDisagreement(evenlySpaced(rows, members.length));
      record.contentBaseline = baseline;
      if (content - baseline < o.contentMargin) continue;
      // Held in its label by the model (nothing reset): only then are there trojan neurons.
      const held = heldShare(members);
      record.held = held;
      const learnt = held === null || held >= o.minHeld!;
      if (!learnt && candidate.principal) continue;
      if (candidate.principal && o.maxStay !== null && input.groupStays) {
        const channels = channelsOf(input.patterns, candidate.signature);
        const stays = input.groupStays(members, channels);
        record.stays = stays;
        if (stays > o.maxStay) continue;
      }
      record.group = candidate.group.length;
      record.signature = candidate.signature.length;
      record.content = content;
      record.flagged = true;
      record.reset = learnt;
      chosen = candidate.group;
      if (learnt) for (const u of candidate.signature) resetUnits.add(u);
      break;
    }

    // 4b. The seeds alone, at a stricter content bar, reset nothing: when no candidate
    // passed, or beside a flagged group the model does not hold (its signature is then the
    // images' true classes, which need not cover the whole backdoor).
    const unheld = record.flagged && !record.reset;
    if ((!record.flagged || unheld) && o.seedContent !== null && seeds.length >= minGroup) {
      const members = Int32Array.from(seeds);
      const content = input.groupDisagreement(members);
      record.seedContent = content;
      const baseline =
        content >= o.seedContent ? input.groupDisagreement(evenlySpaced(rows, seeds.length)) : null;
      if (baseline !== null && content - baseline >= o.contentMargin) {
        record.seedsFlagged = true;
        if (o.seedMemberContent !== null && input.memberDisagreement) {
          const grown = growAndPruneSeeds(input.memberDisagreement, rows, chosen, seeds, {
            disagreement: o.disagreement,
            memberContent: o.seedMemberContent,
          });
          record.seedsGrown = grown.grown;
          record.seedsPruned = grown.pruned;
          chosen = grown.members;
        } else {
          chosen = [...new Set([...chosen, ...seeds])];
        }
        if (!unheld) {
          record.flagged = true;
          record.signature = 0;
          record.content = content;
          record.contentBaseline = baseline;
          record.held = heldShare(members);
        }
        record.group = chosen.length;
      }
    }
    flagged.push(...chosen);
  }

  // 5. Channels of the signature units, per layer.
  return {
    resetNeurons: channelsOf(input.patterns, resetUnits),
    flagged: Int32Array.from(flagged.sort((a, b) => a - b)),
    details: { classes },
  };
}

/**
 * Flagged seeds beside `group` (a flagged group the model does not hold, or none), grown by
 * the rows of their class (`rows`) whose neighbours outside the set carry another label at
 * least `disagreement` of the time (until none joins, at most 5 rounds), then pruned to the
 * members whose own neighbours outside the set carry another label at least `memberContent`
 * of the time (`seedMemberContent`). The group's members are kept and not asked: their
 * signature vouches for them. `ask` is `SignatureInput.memberDisagreement`.
 */
export function growAndPruneSeeds(
  ask: NonNullable<SignatureInput['memberDisagreement']>,
  rows: readonly number[],
  group: readonly number[],
  seeds: readonly number[],
  bars: { disagreement: number; memberContent: number },
): { members: number[]; grown: number; pruned: number } {
  const set = new Set([...group, ...seeds]);
  const initial = set.size;
  for (let round = 0; round < 5; round++) {
    const rest = Int32Array.from(rows.filter((i) => !set.has(i)));
    const shares = ask(Int32Array.from(set), rest);
    const joined = Array.from(rest).filter((_, t) => shares[t]! >= bars.disagreement);
    if (joined.length === 0) break;
    for (const i of joined) set.add(i);
  }
  const inGroup = new Set(group);
  const asked = Int32Array.from([...set].filter((i) => !inGroup.has(i)));
  const shares = ask(Int32Array.from(set), asked);
  const shown = Array.from(asked).filter((_, t) => shares[t]! >= bars.memberContent);
  return {
    members: [...group, ...shown],
    grown: set.size - initial,
    pruned: asked.length - shown.length,
  };
}

/** `size` of `rows` (ascending), evenly spaced. */
function evenlySpaced(rows: readonly number[], size: number): Int32Array {
  return Int32Array.from({ length: size }, (_, t) => rows[Math.floor((t * rows.length) / size)]!);
}

/** The channels, per layer, of units numbered across the layers' concatenated patterns. */
function channelsOf(
  patterns: readonly SignaturePattern[],
  units: Iterable<number>,
): Record<string, number[]> {
  const chosen = [...units];
  const channels: Record<string, number[]> = {};
  let offset = 0;
  for (const layer of patterns) {
    const set = new Set<number>();
    for (const u of chosen) {
      if (u >= offset && u < offset + layer.units) set.add((u - offset) % layer.channels);
    }
    channels[layer.layer] = [...set].sort((a, b) => a - b);
    offset += layer.units;
  }
  return channels;
}

/** Every layer's pattern of a sample side by side: row-major `[n, units of all layers]`. */
function concatenatePatterns(patterns: readonly SignaturePattern[], n: number): Uint8Array {
  const total = patterns.reduce((sum, p) => sum + p.units, 0);
  const bits = new Uint8Array(n * total);
  let offset = 0;
  for (const { units, bits: layerBits } of patterns) {
    for (let i = 0; i < n; i++) {
      bits.set(layerBits.subarray(i * units, (i + 1) * units), i * total + offset);
    }
    offset += units;
  }
  return bits;
}
