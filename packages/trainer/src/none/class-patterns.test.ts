import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { ClassPatterns } from './class-patterns';

/** Random patterns: `n` rows of `units` bits, unit u on with its own rate; some units constant. */
function randomPatterns(n: number, units: number, seed: number) {
  const generator = createRandom(seed);
  const random = () => generator.next();
  const rate = Array.from({ length: units }, (_, u) =>
    u % 7 === 0 ? 0 : u % 11 === 0 ? 1 : random(),
  );
  const bits = new Uint8Array(n * units);
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < units; u++) bits[i * units + u] = random() < rate[u]! ? 1 : 0;
  }
  return { bits, random };
}

const naiveCount = (bits: Uint8Array, units: number, members: readonly number[]) => {
  const count = new Float64Array(units);
  for (const i of members) for (let u = 0; u < units; u++) count[u]! += bits[i * units + u]!;
  return count;
};

/**
 * 120 rows of 30 units: units 0-9 on exactly for the rows `inGroup` picks, units 10-29 noise
 * (on with probability 0.5).
 */
function plantedGroup(inGroup: (row: number) => boolean, seed: number) {
  const bits = new Uint8Array(120 * 30);
  const generator = createRandom(seed);
  for (let i = 0; i < 120; i++) {
    for (let u = 0; u < 30; u++) {
      bits[i * 30 + u] = u < 10 ? (inGroup(i) ? 1 : 0) : generator.next() < 0.5 ? 1 : 0;
    }
  }
  const all = Array.from({ length: 120 }, (_, i) => i);
  return { all, patterns: new ClassPatterns(bits, 30, all) };
}

describe('ClassPatterns', () => {
  // 87 rows: the last word of each column is partly used.
  const n = 160;
  const units = 50;
  const { bits, random } = randomPatterns(n, units, 3);
  const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1 || i < 14);
  const patterns = new ClassPatterns(bits, units, rows);
  const members = rows.filter(() => random() < 0.4);

  it('keeps exactly the units that are not constant in the class', () => {
    const count = naiveCount(bits, units, rows);
    const expected = [...count.keys()].filter((u) => count[u]! > 0 && count[u]! < rows.length);
    expect(Array.from(patterns.active)).toEqual(expected);
    expect(expected.length).toBeLessThan(units);
  });

  it('counts on-units of a group as the byte patterns do', () => {
    const count = naiveCount(bits, units, members);
    expect(Array.from(patterns.count(members))).toEqual(
      Array.from(patterns.active, (u) => count[u]!),
    );
  });

  it('projects rows on a direction as a dot product with their bits', () => {
    const direction = Float64Array.from(patterns.active, () => random() - 0.5);
    const scores = patterns.project(members, direction);
    members.forEach((i, t) => {
      let dot = 0;
      patterns.active.forEach((u, a) => {
        dot += bits[i * units + u]! * direction[a]!;
      });
      expect(scores[t]).toBeCloseTo(dot, 10);
    });
  });

  it('finds the principal direction of a planted sub-population', () => {
    // 40 rows of 120 hold units 0-9 on, the rest hold them off.
    const { all, patterns: p } = plantedGroup((i) => i < 40, 9);
    const direction = p.principalDirection();
    const onPlanted = Array.from(p.active).reduce(
      (sum, u, a) => sum + (u < 10 ? direction[a]! ** 2 : 0),
      0,
    );
    expect(onPlanted).toBeGreaterThan(0.9);
    const scores = p.project(all, direction);
    const sign = Math.sign(scores[0]! - scores[119]!);
    for (let i = 0; i < 40; i++) {
      for (const j of [40, 80, 119]) expect(sign * (scores[i]! - scores[j]!)).toBeGreaterThan(0);
    }
  });

  it('grows a planted group to exactly its rows, with its units as signature', () => {
    const { all, patterns: p } = plantedGroup((i) => i % 3 === 0, 4);
    const options = { groupOn: 0.9, restOn: 0.1, memberUnits: 32, minGap: 0.3 };
    // Started from a third of the group plus a few others.
    const start = [0, 3, 6, 9, 12, 15, 18, 21, 1, 2];
    const { group, signature } = p.grow(start, all, 'rest-off', options);
    expect(group).toEqual(all.filter((i) => i % 3 === 0));
    expect(signature).toEqual(Array.from({ length: 10 }, (_, u) => u));
    // Refined within a subset, then grown over the whole class.
    const within = all.filter((i) => i < 60);
    expect(p.grow(start, within, 'group-on', options).group).toEqual(
      all.filter((i) => i % 3 === 0),
    );
  });

  it('with memberRestOn, refines a mixed start by the units the rest never holds on', () => {
    // 300 rows: 0-29 poisoned (trigger units 0-19 on, shared units 20-59 on), 30-41 odd
    // clean rows (shared units on), the rest clean with shared units on 5% of the time.
    const units = 70;
    const mixed = new Uint8Array(300 * units);
    const generator = createRandom(5);
    for (let i = 0; i < 300; i++) {
      for (let u = 0; u < units; u++) {
        const trigger = u < 20 && i < 30;
        const shared = u >= 20 && u < 60 && (i < 42 || generator.next() < 0.05);
        const noise = u >= 60 && generator.next() < 0.5;
        mixed[i * units + u] = trigger || shared || noise ? 1 : 0;
      }
    }
    const all = Array.from({ length: 300 }, (_, i) => i);
    const p = new ClassPatterns(mixed, units, all);
    const start = all.slice(0, 42);
    const options = { groupOn: 0.9, restOn: 0.1, memberUnits: 32, minGap: 0.3 };
    const poisoned = all.slice(0, 30);
    // The shared units separate the start best and pull in the odd rows.
    expect(p.grow(start, start, 'rest-off', options).group).not.toEqual(poisoned);
    const strict = p.grow(start, start, 'rest-off', { ...options, memberRestOn: 0.02 });
    expect(strict.group).toEqual(poisoned);
    expect(strict.signature.filter((u) => u < 20)).toEqual(all.slice(0, 20));
  });
});
