import { StatsError } from './errors';

/** The four 32-bit words of a {@link Random}'s state, for checkpoints. */
export type RandomState = [number, number, number, number];

/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman and Vigna, 2018), 128 bits of
 * state, period 2^128 - 1, seeded through splitmix32. This is the project's PRNG: every
 * package that needs randomness (shuffling, augmentation, poisoning, initialisation) takes a
 * `seed` or a `Random` and draws from it, so a run is reproducible bit for bit on every
 * platform. `Math.random` is never used. Independent streams of one run seed come from
 * {@link deriveSeed}: `createRandom(deriveSeed(seed, 'shuffle', epoch))`.
 */
export interface Random {
  /** A uniform float in [0, 1) with 32 bits of resolution (one draw). */
  next(): number;
  /** A uniform unsigned 32-bit integer in [0, 2^32) (one draw). */
  uint32(): number;
  /**
   * A uniform integer in [0, n), without modulo bias (rejection sampling).
   * @param n - an integer in [1, 2^32]
   */
  int(n: number): number;
  /** A uniform float in [min, max) (one draw). */
  uniform(min: number, max: number): number;
  /** A normal variate by the Box-Muller transform (two draws, nothing cached). */
  normal(mean?: number, std?: number): number;
  /** `true` with probability `p` (one draw). */
  bernoulli(p: number): boolean;
  /** Shuffles `array` in place (Fisher-Yates, from the last element down) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T;
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
  /** `k` distinct integers from [0, n), in random order (a partial Fisher-Yates shuffle). */
  sample(n: number, k: number): Int32Array;
  /** An independent generator seeded from four draws of this one (for sub-tasks). */
  fork(): Random;
  /** A copy of the current state. */
  getState(): RandomState;
  /** Restores a state returned by {@link Random.getState}. */
  setState(state: RandomState): void;
}

const TWO_POW_32 = 4_294_967_296;

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

/** splitmix32: turns one 32-bit seed into a stream of well-mixed words for the state. */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

function checkState(state: ArrayLike<number>, caller: string): void {
  if (state.length !== 4) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `${caller}: state must have 4 words, got ${state.length}`,
    );
  }
  let any = 0;
  for (let i = 0; i < 4; i++) {
    const word = state[i]!;
    if (!Number.isInteger(word) || word < 0 || word >= TWO_POW_32) {
      throw new StatsError(
        'E_INVALID_ARGUMENT',
        `${caller}: state words must be integers in [0, 2^32), got ${word}`,
      );
    }
    any |= word;
  }
  if (any === 0) {
    throw new StatsError('E_INVALID_ARGUMENT', `${caller}: state must not be all zero`);
  }
}

function fromState(initial: RandomState): Random {
  let s0 = initial[0] | 0;
  let s1 = initial[1] | 0;
  let s2 = initial[2] | 0;
  let s3 = initial[3] | 0;

  const uint32 = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft(s3, 11);
    return result;
  };
  const next = (): number => uint32() / TWO_POW_32;
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new StatsError(
        'E_INVALID_ARGUMENT',
        `Random.int: n must be an integer in [1, 2^32], got ${n}`,
      );
    }
    // Largest multiple of n not above 2^32: draws at or above it are rejected.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let value = uint32();
    while (value >= limit) value = uint32();
    return value % n;
  };
  const random: Random = {
    next,
    uint32,
    int,
    uniform: (min, max) => min + (max - min) * next(),
    normal: (mean = 0, std = 1) => {
      const u1 = 1 - next(); // (0, 1]: the logarithm stays finite
      const u2 = next();
      return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    bernoulli: (p) => next() < p,
    shuffle: (array) => {
      for (let i = array.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const held = array[i];
        array[i] = array[j];
        array[j] = held;
      }
      return array;
    },
    permutation: (n) => {
      checkCount(n, 'Random.permutation', 'n');
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      return random.shuffle(order);
    },
    sample: (n, k) => {
      checkCount(n, 'Random.sample', 'n');
      if (!Number.isInteger(k) || k < 0 || k > n) {
        throw new StatsError(
          'E_INVALID_ARGUMENT',
          `Random.sample: k must be an integer in [0, n = ${n}], got ${k}`,
        );
      }
      const pool = new Int32Array(n);
      for (let i = 0; i < n; i++) pool[i] = i;
      for (let i = 0; i < k; i++) {
        const j = i + int(n - i);
        const held = pool[i]!;
        pool[i] = pool[j]!;
        pool[j] = held;
      }
      return pool.slice(0, k);
    },
    fork: () => {
      const state: RandomState = [uint32(), uint32(), uint32(), uint32()];
      if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
      return fromState(state);
    },
    getState: () => [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0],
    setState: (state) => {
      checkState(state, 'Random.setState');
      s0 = state[0] | 0;
      s1 = state[1] | 0;
      s2 = state[2] | 0;
      s3 = state[3] | 0;
    },
  };
  return random;
}

function checkCount(n: number, caller: string, name: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `${caller}: ${name} must be a non-negative integer, got ${n}`,
    );
  }
}

/**
 * Creates the project's seeded generator (xoshiro128**, seeded through splitmix32).
 *
 * The same seed gives the same sequence on every platform and in every package.
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.int(10); // an integer in [0, 10), the same one for every run with seed 42
 * random.shuffle([1, 2, 3]);
 * ```
 * @param seed - any safe integer (negative and above 2^32 allowed: both halves are mixed in)
 * @throws StatsError `E_INVALID_ARGUMENT` if `seed` is not a safe integer
 * @see D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", 2018
 */
export function createRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `createRandom: seed must be a safe integer, got ${seed}`,
    );
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  const words = splitmix32(low ^ Math.imul(high, 0x85ebca6b));
  const state: RandomState = [words(), words(), words(), words()];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return fromState(state);
}

/**
 * Recreates a generator from a state saved with {@link Random.getState}, to resume a run.
 * @throws StatsError `E_INVALID_ARGUMENT` if the state is not four 32-bit words, not all zero
 */
export function restoreRandom(state: RandomState): Random {
  checkState(state, 'restoreRandom');
  return fromState([state[0], state[1], state[2], state[3]]);
}

/** Options of the functions that draw random numbers: a `seed`, or a generator to share. */
export interface RandomOptions {
  /** Seed of a fresh {@link createRandom} generator. Ignored when `random` is given. */
  seed?: number;
  /** A generator to draw from (it advances); takes precedence over `seed`. */
  random?: Random;
}
