/** Rules by which a group's member units are chosen (see {@link ClassPatterns.grow}). */
export type MemberRule = 'rest-off' | 'group-on' | 'gap';

/** The thresholds {@link ClassPatterns.grow} reads (the signature detection's options). */
export interface GrowOptions {
  groupOn: number;
  restOn: number;
  /** The `'rest-off'` rule's bound on the rest's on-rate of a member unit. @default restOn */
  memberRestOn?: number;
  memberUnits: number;
  minGap: number;
}

/** Rows sampled by {@link ClassPatterns.principalDirection}. */
const PRINCIPAL_SAMPLE = 128;

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * The activation patterns of one class, stored per unit as a bitset over the class's rows
 * (bit t of unit u's column: row t of the class holds u on), with the statistics the
 * signature detection asks of them. Units that every row of the class holds on, or every
 * row holds off, are dropped: they separate no group from the rest of the class.
 *
 * Counting a group's on-units is then a popcount of column AND group mask: 32 rows per
 * operation, which is what makes growing several candidate groups per class affordable.
 * Rows and units in and out are the caller's numbering (rows of the whole set, units of the
 * concatenated layers).
 */
export class ClassPatterns {
  /** The class's rows, ascending. */
  readonly rows: readonly number[];
  /** Units not constant in the class (the caller's numbering), ascending. */
  readonly active: Int32Array;
  private readonly words: number;
  /** `[active.length, words]`: unit a's column. */
  private readonly columns: Uint32Array;
  /** Per active unit, rows of the class that hold it on. */
  private readonly classCount: Float64Array;
  private readonly localOf: Map<number, number>;

  /**
   * @param bits row-major `[n, units]`, 1 where a unit is on.
   * @param rows the class's rows.
   */
  constructor(bits: Uint8Array, units: number, rows: readonly number[]) {
    this.rows = [...rows].sort((a, b) => a - b);
    this.localOf = new Map(this.rows.map((row, t) => [row, t]));
    // Every unit's column in one pass over the rows, then the non-constant ones kept.
    const words = Math.ceil(this.rows.length / 32);
    const all = new Uint32Array(units * words);
    this.rows.forEach((i, t) => {
      const base = i * units;
      const word = t >>> 5;
      const bit = 1 << (t & 31);
      for (let u = 0; u < units; u++) if (bits[base + u]) all[u * words + word]! |= bit;
    });
    const active: number[] = [];
    const counts: number[] = [];
    for (let u = 0; u < units; u++) {
      let count = 0;
      for (let w = 0; w < words; w++) count += popcount(all[u * words + w]!);
      if (count > 0 && count < this.rows.length) {
        active.push(u);
        counts.push(count);
      }
    }
    this.active = Int32Array.from(active);
    this.classCount = Float64Array.from(counts);
    this.words = words;
    this.columns = new Uint32Array(active.length * words);
    active.forEach((u, a) => {
      this.columns.set(all.subarray(u * words, (u + 1) * words), a * words);
    });
  }

  /** The bitset of `members` (rows of this class) over the class's rows. */
  private mask(members: readonly number[]): Uint32Array {
    const mask = new Uint32Array(this.words);
    for (const i of members) {
      const t = this.localOf.get(i);
      if (t !== undefined) mask[t >>> 5]! |= 1 << (t & 31);
    }
    return mask;
  }

  /** Per active unit, how many of `members` hold it on. */
  count(members: readonly number[]): Float64Array {
    const mask = this.mask(members);
    const { words, columns } = this;
    const total = new Float64Array(this.active.length);
    for (let a = 0; a < total.length; a++) {
      let sum = 0;
      const base = a * words;
      for (let w = 0; w < words; w++) sum += popcount(columns[base + w]! & mask[w]!);
      total[a] = sum;
    }
    return total;
  }

  /** Per active unit, the share of `members` that holds it on minus the class's share. */
  difference(members: readonly number[]): Float64Array {
    const count = this.count(members);
    const size = Math.max(1, members.length);
    return count.map((c, a) => c / size - this.classCount[a]! / this.rows.length);
  }

  /** Per row of `members` (rows of the class), the sum of `direction` over the units it holds on. */
  project(members: readonly number[], direction: Float64Array): Float64Array {
    const scores = this.projectAll(direction);
    return Float64Array.from(members, (i) => scores[this.localOf.get(i)!]!);
  }

  /** Per row of the class (in `rows` order), the sum of `direction` over the units it holds on. */
  private projectAll(direction: Float64Array): Float64Array {
    const { words, columns } = this;
    const scores = new Float64Array(this.rows.length);
    for (let a = 0; a < direction.length; a++) {
      const value = direction[a]!;
      if (value === 0) continue;
      const base = a * words;
      for (let w = 0; w < words; w++) {
        let word = columns[base + w]!;
        while (word !== 0) {
          const low = word & -word;
          scores[(w << 5) + 31 - Math.clz32(low)]! += value;
          word ^= low;
        }
      }
    }
    return scores;
  }

  /**
   * The top principal direction of the class's centred patterns over the active units, by
   * power iteration on at most 128 evenly spaced rows (a sub-population of a tenth of the
   * class or more shows in them as it does in the whole class), until the direction moves
   * less than 1e-6 (cosine) or after `iterations`.
   */
  principalDirection(iterations = 12): Float64Array {
    const n = this.rows.length;
    const step = Math.max(1, n / PRINCIPAL_SAMPLE);
    const sample: number[] = [];
    for (let s = 0; Math.floor(s) < n && sample.length < PRINCIPAL_SAMPLE; s += step) {
      sample.push(Math.floor(s));
    }
    const units = this.active.length;
    // The sample's bits, row-major [sample, units] (a byte each, so that it stays in cache),
    // and their mean: X_c v = X v - (mean . v), X_c^T s = X^T s - mean * sum(s).
    const x = new Uint8Array(sample.length * units);
    const mean = new Float64Array(units);
    for (let a = 0; a < units; a++) {
      const base = a * this.words;
      sample.forEach((t, r) => {
        const bit = (this.columns[base + (t >>> 5)]! >>> (t & 31)) & 1;
        x[r * units + a] = bit;
        mean[a]! += bit / sample.length;
      });
    }
    let direction = Float64Array.from({ length: units }, (_, a) => Math.sin(a * 12.9898 + 1));
    const startNorm = Math.sqrt(direction.reduce((sum, v) => sum + v * v, 0)) || 1;
    for (let a = 0; a < units; a++) direction[a] = direction[a]! / startNorm;
    const scores = new Float64Array(sample.length);
    for (let iteration = 0; iteration < iterations; iteration++) {
      let offset = 0;
      for (let a = 0; a < units; a++) offset += mean[a]! * direction[a]!;
      let scoreSum = 0;
      for (let r = 0; r < sample.length; r++) {
        let sum = 0;
        const base = r * units;
        for (let a = 0; a < units; a++) sum += x[base + a]! * direction[a]!;
        scores[r] = sum - offset;
        scoreSum += scores[r]!;
      }
      const next = new Float64Array(units);
      for (let r = 0; r < sample.length; r++) {
        const score = scores[r]!;
        const base = r * units;
        for (let a = 0; a < units; a++) next[a]! += x[base + a]! * score;
      }
      let norm = 0;
      for (let a = 0; a < units; a++) {
        next[a] = next[a]! - mean[a]! * scoreSum;
        norm += next[a]! ** 2;
      }
      norm = Math.sqrt(norm) || 1;
      let cosine = 0;
      for (let a = 0; a < units; a++) {
        next[a] = next[a]! / norm;
        cosine += next[a]! * direction[a]!;
      }
      direction = next;
      if (Math.abs(cosine) > 1 - 1e-6) break;
    }
    return direction;
  }

  /** The share of `units` (active indices) that row `t` (class-local) holds on. */
  private shareOn(t: number, units: readonly number[]): number {
    const word = t >>> 5;
    const shift = t & 31;
    let on = 0;
    for (const a of units) on += (this.columns[a * this.words + word]! >>> shift) & 1;
    return on / units.length;
  }

  /** Active units separating a group from the rest of the class most, best first. */
  private memberUnits(
    groupCount: Float64Array,
    groupSize: number,
    rule: MemberRule,
    o: GrowOptions,
  ): number[] {
    const restSize = Math.max(1, this.rows.length - groupSize);
    const gap = new Float64Array(groupCount.length);
    const candidates: number[] = [];
    for (let a = 0; a < groupCount.length; a++) {
      const groupRate = groupCount[a]! / groupSize;
      const restRate = (this.classCount[a]! - groupCount[a]!) / restSize;
      gap[a] = groupRate - restRate;
      if (gap[a]! < o.minGap) continue;
      if (rule === 'rest-off' && restRate > (o.memberRestOn ?? o.restOn)) continue;
      if (rule === 'group-on' && groupRate < o.groupOn) continue;
      candidates.push(a);
    }
    candidates.sort((a, b) => gap[b]! - gap[a]! || a - b);
    return candidates.slice(0, o.memberUnits);
  }

  /** The rows of `within` (rows of the class) that hold at least half of `units` on. */
  private holding(within: readonly number[], units: readonly number[]): number[] {
    return within.filter((i) => this.shareOn(this.localOf.get(i)!, units) >= 0.5);
  }

  /**
   * Refines `start` within `within` by its member units (`rule`), then lets it grow over the
   * whole class by its most separating units; returns the group (rows) and its signature
   * (units on for ≥ `groupOn` of the group and ≤ `restOn` of the rest of the class).
   */
  grow(
    start: readonly number[],
    within: readonly number[],
    rule: 'rest-off' | 'group-on',
    o: GrowOptions,
  ): { group: number[]; signature: number[] } {
    let group = [...start];
    for (let step = 0; step < 3 && group.length > 0; step++) {
      const units = this.memberUnits(this.count(group), group.length, rule, o);
      if (units.length === 0) break;
      const next = this.holding(within, units);
      if (next.length === 0) break;
      group = next;
    }
    for (let step = 0; step < 4 && group.length > 0; step++) {
      const units = this.memberUnits(this.count(group), group.length, 'gap', o);
      if (units.length === 0) return { group: [], signature: [] };
      group = this.holding(this.rows, units);
    }
    // A group that is the whole class has no rest to differ from.
    if (group.length === 0 || group.length === this.rows.length) return { group, signature: [] };
    const groupCount = this.count(group);
    const restSize = this.rows.length - group.length;
    const signature: number[] = [];
    for (let a = 0; a < groupCount.length; a++) {
      const restRate = (this.classCount[a]! - groupCount[a]!) / restSize;
      if (groupCount[a]! / group.length >= o.groupOn && restRate <= o.restOn) {
        signature.push(this.active[a]!);
      }
    }
    return { group, signature };
  }
}
