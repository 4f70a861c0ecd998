import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexPure } from './sha256';

const text = (s: string) => new TextEncoder().encode(s);

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('hashes %j to the FIPS 180-4 digest (Node and pure paths)', (input, digest) => {
    expect(sha256Hex(text(input))).toBe(digest);
    expect(sha256HexPure(text(input))).toBe(digest);
  });

  it('agrees between the pure and the Node implementations around block boundaries', () => {
    const random = createRandom(1);
    const bytes = Uint8Array.from({ length: 300 }, () => random.int(256));
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 255, 300]) {
      expect(sha256HexPure(bytes.subarray(0, length))).toBe(sha256Hex(bytes.subarray(0, length)));
    }
  });

  it("hashes a typed array's own bytes (offset and length respected)", () => {
    const all = new Float32Array([1, 2, 3, 4]);
    expect(sha256Hex(all.subarray(1, 3))).toBe(sha256Hex(new Float32Array([2, 3])));
    expect(sha256Hex(all.subarray(1, 3))).toBe(sha256HexPure(new Float32Array([2, 3]).buffer));
  });
});
