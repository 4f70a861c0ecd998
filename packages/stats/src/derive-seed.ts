import { describeValue } from './_validate';
import { StatsError } from './errors';

const TWO_POW_32 = 4_294_967_296;
/** FNV-1a 32-bit prime. */
const FNV_PRIME = 0x01000193;
/** Salt of the high word of the seed (the golden-ratio constant 2^32 / phi). */
const HIGH_WORD_SALT = 0x9e3779b9;
/** Type tag of a string part ('s'). */
const STRING_TAG = 0x73;
/** Type tag of an integer part ('i'). */
const INTEGER_TAG = 0x69;

/** The 32-bit finaliser of MurmurHash3: a bijection on 32-bit words with full avalanche. */
function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One FNV-1a step: xor the byte in, multiply by the prime (a bijection of the state). */
function fnvByte(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME);
}

/** Feeds a 32-bit word, least significant byte first. */
function fnvWord(h: number, word: number): number {
  let state = h;
  for (let shift = 0; shift < 32; shift += 8) state = fnvByte(state, (word >>> shift) & 0xff);
  return state;
}

/** The UTF-8 bytes of a string (a lone surrogate is encoded as its own code point, WTF-8). */
function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80) {
      bytes.push(code);
    } else if (code < 0x800) {
      bytes.push(0xc0 | (code >>> 6), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      bytes.push(0xe0 | (code >>> 12), 0x80 | ((code >>> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      bytes.push(
        0xf0 | (code >>> 18),
        0x80 | ((code >>> 12) & 0x3f),
        0x80 | ((code >>> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    }
  }
  return bytes;
}

/**
 * Derives the seed of a named random stream from a run's seed: a well-mixed 32-bit hash of
 * `seed` and `parts`, for `createRandom(deriveSeed(seed, 'poison-select'))` or
 * `createRandom(deriveSeed(seed, 'epoch', epoch))`. Streams with different names (or indices)
 * are independent for practical purposes, so adding a stream never shifts the draws of another,
 * and no magic stream numbers or `seed ^ 0x…` salts are needed.
 *
 * The hash, step by step (all arithmetic modulo 2^32):
 * 1. The seed's two 32-bit halves `low = seed mod 2^32` and `high = floor(seed / 2^32) mod 2^32`
 *    give the start state `h = fmix32(low ^ fmix32(high ^ 0x9e3779b9))`, where `fmix32` is the
 *    MurmurHash3 finaliser.
 * 2. Each part is encoded as bytes and fed through FNV-1a (`h = (h ^ byte) * 0x01000193`):
 *    a string as the tag `0x73` ('s'), its UTF-8 byte length (4 bytes, little-endian), then its
 *    UTF-8 bytes; an integer as the tag `0x69` ('i') then its 64-bit two's complement (8 bytes,
 *    little-endian).
 * 3. The result is `fmix32(h)`.
 *
 * The encoding is prefix-free, so `('ab', 'c')`, `('a', 'bc')`, `('abc')` and `(1)` vs `('1')`
 * are different inputs; part order matters. Both steps are bijections of the state, so for
 * fixed parts two seeds that agree in their high 32 bits never collide.
 *
 * @example
 * ```ts
 * const select = createRandom(deriveSeed(42, 'poison-select'));
 * const shuffle = createRandom(deriveSeed(42, 'epoch', 3)); // epoch 3's order
 * deriveSeed(0, 'epoch', 0); // 672353900, on every platform
 * ```
 * @param seed - the run's seed: any safe integer (negative and above 2^32 allowed)
 * @param parts - the stream's name and indices: strings and safe integers
 * @returns an integer in [0, 2^32)
 * @throws {StatsError} `E_INVALID_ARGUMENT` if `seed` or a numeric part is not a safe integer,
 *   `E_INVALID_TYPE` if a part is neither a string nor a number
 * @see G. Fowler, L. C. Noll, K.-P. Vo, "FNV hash" (FNV-1a); A. Appleby, MurmurHash3 (fmix32)
 */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new StatsError(
      'E_INVALID_ARGUMENT',
      `deriveSeed: seed must be a safe integer, got ${describeValue(seed)}`,
    );
  }
  let h = fmix32((seed >>> 0) ^ fmix32((Math.floor(seed / TWO_POW_32) >>> 0) ^ HIGH_WORD_SALT));
  for (let i = 0; i < parts.length; i++) {
    const part: unknown = parts[i];
    if (typeof part === 'string') {
      const bytes = utf8Bytes(part);
      h = fnvWord(fnvByte(h, STRING_TAG), bytes.length);
      for (let k = 0; k < bytes.length; k++) h = fnvByte(h, bytes[k]);
    } else if (typeof part === 'number') {
      if (!Number.isSafeInteger(part)) {
        throw new StatsError(
          'E_INVALID_ARGUMENT',
          `deriveSeed: parts[${i}] must be a string or a safe integer, got ${describeValue(part)}`,
        );
      }
      h = fnvByte(h, INTEGER_TAG);
      h = fnvWord(fnvWord(h, part >>> 0), Math.floor(part / TWO_POW_32) >>> 0);
    } else {
      throw new StatsError(
        'E_INVALID_TYPE',
        `deriveSeed: parts[${i}] must be a string or a safe integer, got ${describeValue(part)}`,
      );
    }
  }
  return fmix32(h);
}
