import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statsError } from './_test-oracles';
import { deriveSeed } from './derive-seed';
import { StatsError } from './errors';
import { createRandom } from './random';

const MASK = (1n << 32n) - 1n;

/** fmix32 on BigInt, written from the MurmurHash3 reference, sharing no code with `deriveSeed`. */
function referenceFmix32(value: bigint): bigint {
  let h = value & MASK;
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & MASK;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & MASK;
  h ^= h >> 16n;
  return h;
}

/** The documented hash, on BigInt and `TextEncoder` bytes: the oracle of `deriveSeed`. */
function referenceDeriveSeed(seed: number, ...parts: Array<string | number>): number {
  const word = BigInt.asUintN(64, BigInt(seed));
  let h = referenceFmix32((word & MASK) ^ referenceFmix32((word >> 32n) ^ 0x9e3779b9n));
  const bytes: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      const utf8 = new TextEncoder().encode(part);
      bytes.push(0x73, ...[0, 8, 16, 24].map((shift) => (utf8.length >>> shift) & 0xff), ...utf8);
    } else {
      const value = BigInt.asUintN(64, BigInt(part));
      bytes.push(0x69);
      for (let k = 0n; k < 8n; k++) bytes.push(Number((value >> (8n * k)) & 0xffn));
    }
  }
  for (const byte of bytes) h = ((h ^ BigInt(byte)) * 0x01000193n) & MASK;
  return Number(referenceFmix32(h));
}

describe('deriveSeed', () => {
  it('pins values computed by hand from the documented steps (changing them breaks reproducibility)', () => {
    // Computed with an independent Python script following the doc comment's three steps.
    expect(deriveSeed(0, 'epoch', 0)).toBe(672353900);
    expect(deriveSeed(42, 'poison-select')).toBe(3873362202);
    expect(deriveSeed(0)).toBe(1680814304);
    expect(deriveSeed(-1, 'a')).toBe(3336961046);
    expect(deriveSeed(2 ** 40 + 1, 'é', -5)).toBe(997110463);
  });

  it('agrees with a BigInt reference implementation on arbitrary seeds and parts', () => {
    const part = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      fc.maxSafeInteger(),
      fc.maxSafeNat().map((value) => -value),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.nat()),
        fc.array(part, { maxLength: 5 }),
        (seed, parts) => {
          expect(deriveSeed(seed, ...parts)).toBe(referenceDeriveSeed(seed, ...parts));
        },
      ),
      { seed: 20, numRuns: 500 },
    );
  });

  it('is deterministic and returns an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.string(), fc.nat(), (seed, name, index) => {
        const value = deriveSeed(seed, name, index);
        expect(deriveSeed(seed, name, index)).toBe(value);
        expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('gives different seeds for different stream names, indices and seeds', () => {
    expect(deriveSeed(7, 'select')).not.toBe(deriveSeed(7, 'sample'));
    expect(deriveSeed(7, 'sample', 0)).not.toBe(deriveSeed(7, 'sample', 1));
    expect(deriveSeed(7, 'sample', 0)).not.toBe(deriveSeed(8, 'sample', 0));
    expect(deriveSeed(7)).not.toBe(deriveSeed(7, 'select'));
    expect(deriveSeed(7, 'sample')).not.toBe(deriveSeed(7, 'sample', 0));
  });

  it('depends on the order of the parts and on where strings split', () => {
    expect(deriveSeed(1, 'epoch', 3)).not.toBe(deriveSeed(1, 3, 'epoch'));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
    expect(deriveSeed(1, 'ab', 'c')).not.toBe(deriveSeed(1, 'a', 'bc'));
    expect(deriveSeed(1, 'ab', 'c')).not.toBe(deriveSeed(1, 'abc'));
    expect(deriveSeed(1, 1)).not.toBe(deriveSeed(1, '1'));
    expect(deriveSeed(1, '')).not.toBe(deriveSeed(1));
  });

  it('has no collisions among 4096 (seed, stream) pairs nor among 4096 seeds of one stream', () => {
    const names = ['select', 'sample', 'noise-select', 'noise-sample', 'pattern', 'epoch', 'init'];
    const seen = new Set<number>();
    let pairs = 0;
    for (let seed = 0; seed < 64; seed++) {
      for (const name of names) {
        seen.add(deriveSeed(seed, name));
        pairs++;
      }
      for (let index = 0; index < 64 - names.length; index++) {
        seen.add(deriveSeed(seed, 'sample', index));
        pairs++;
      }
    }
    expect(pairs).toBe(4096);
    expect(seen.size).toBe(pairs);
    // For fixed parts, seeds below 2^32 map one to one (both mixing steps are bijections).
    const bySeed = new Set<number>();
    for (let seed = 0; seed < 4096; seed++) bySeed.add(deriveSeed(seed * 65_537, 'epoch', 5));
    expect(bySeed.size).toBe(4096);
  });

  it('has no collisions among a few thousand random (seed, part) pairs', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.nat(1_000_000), fc.oneof(fc.string(), fc.nat())), {
          minLength: 3000,
          maxLength: 3000,
          selector: ([seed, part]) => `${seed}:${typeof part}:${part}`,
        }),
        (pairs) => {
          const seeds = new Set(pairs.map(([seed, part]) => deriveSeed(seed, part)));
          expect(seeds.size).toBe(pairs.length);
        },
      ),
      { seed: 22, numRuns: 5 },
    );
  });

  it('flips about half of the output bits when one input bit changes (avalanche)', () => {
    let flipped = 0;
    let trials = 0;
    for (let seed = 0; seed < 200; seed++) {
      const base = deriveSeed(seed, 'epoch', 10);
      for (const other of [deriveSeed(seed ^ 1, 'epoch', 10), deriveSeed(seed, 'epoch', 11)]) {
        let bits = (base ^ other) >>> 0;
        while (bits !== 0) {
          flipped += bits & 1;
          bits >>>= 1;
        }
        trials++;
      }
    }
    const mean = flipped / trials;
    expect(mean).toBeGreaterThan(15);
    expect(mean).toBeLessThan(17);
  });

  it('seeds createRandom streams that do not repeat each other', () => {
    const first = createRandom(deriveSeed(3, 'epoch', 0));
    const second = createRandom(deriveSeed(3, 'epoch', 1));
    const a = Array.from({ length: 8 }, () => first.uint32());
    const b = Array.from({ length: 8 }, () => second.uint32());
    expect(a).not.toEqual(b);
  });

  it('rejects a seed or a part that is not a safe integer or a string', () => {
    expect(() => deriveSeed(1.5, 'x')).toThrow(
      new StatsError('E_INVALID_ARGUMENT', 'deriveSeed: seed must be a safe integer, got 1.5'),
    );
    expect(() => deriveSeed(Number.NaN)).toThrow(statsError('E_INVALID_ARGUMENT'));
    expect(() => deriveSeed(0, 'x', 0.5)).toThrow(
      new StatsError(
        'E_INVALID_ARGUMENT',
        'deriveSeed: parts[1] must be a string or a safe integer, got 0.5',
      ),
    );
    expect(() => deriveSeed(0, null as unknown as string)).toThrow(
      new StatsError(
        'E_INVALID_TYPE',
        'deriveSeed: parts[0] must be a string or a safe integer, got null',
      ),
    );
  });
});
