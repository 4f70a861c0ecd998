/**
 * Seeded randomness. Everything random in this package goes through these helpers;
 * `Math.random` is never used.
 */

/** Random streams, so that choosing indices and drawing per-sample noise never interfere. */
export const STREAM_SELECT = 1;
export const STREAM_SAMPLE = 2;
export const STREAM_NOISE_SELECT = 3;
export const STREAM_NOISE_SAMPLE = 4;
export const STREAM_PATTERN = 5;

/** Mulberry32: a 32-bit-state generator returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes integers (each taken modulo 2^32) into one 32-bit seed. */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = fmix32((h ^ fmix32(part >>> 0)) + 0x632be5ab);
  }
  return h;
}

/** A generator for (seed, stream, index): independent of the order samples are visited in. */
export function streamRandom(seed: number, stream: number, index = 0): () => number {
  return mulberry32(hashSeed(seed, stream, index));
}

/** Uniform integer in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/**
 * `count` distinct values of `pool`, drawn by a partial Fisher-Yates shuffle of a copy,
 * returned sorted ascending. `pool` is not modified.
 */
export function sampleWithoutReplacement(
  pool: Int32Array,
  count: number,
  random: () => number,
): Int32Array {
  const work = pool.slice();
  const n = work.length;
  for (let i = 0; i < count; i++) {
    const j = i + randomInt(random, n - i);
    const tmp = work[i]!;
    work[i] = work[j]!;
    work[j] = tmp;
  }
  return work.subarray(0, count).slice().sort();
}
