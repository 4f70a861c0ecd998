import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { TrainerError } from './errors';
import { fedAvg, iidShards } from './federated-averaging';

const invalidArgument = expect.objectContaining({
  name: 'TrainerError',
  code: 'E_INVALID_ARGUMENT',
});

describe('fedAvg', () => {
  it('of two clients is the sample-weighted mean (hand-computed)', () => {
    // Client A (1 sample): [0, 4], [2]; client B (3 samples): [4, 0], [6].
    // Weighted: (1·0 + 3·4)/4 = 3, (1·4 + 3·0)/4 = 1, (1·2 + 3·6)/4 = 5.
    const averaged = fedAvg([
      { weights: [Float32Array.from([0, 4]), Float32Array.from([2])], samples: 1 },
      { weights: [Float32Array.from([4, 0]), Float32Array.from([6])], samples: 3 },
    ]);
    expect(averaged).toEqual([Float32Array.from([3, 1]), Float32Array.from([5])]);
  });

  it('of three clients with fractional shares (hand-computed)', () => {
    // Shares 1/8, 3/8, 4/8: 0.125·8 + 0.375·(−8) + 0.5·2 = 1 − 3 + 1 = −1.
    const averaged = fedAvg([
      { weights: [Float32Array.from([8])], samples: 1 },
      { weights: [Float32Array.from([-8])], samples: 3 },
      { weights: [Float32Array.from([2])], samples: 4 },
    ]);
    expect(averaged).toEqual([Float32Array.from([-1])]);
  });

  it('of identical client weights is the identity, and leaves the updates unchanged', () => {
    const weights = [Float32Array.from([0.1, -2, 3.5]), Float32Array.from([7])];
    const copy = weights.map((w) => w.slice());
    const averaged = fedAvg([
      { weights, samples: 3 },
      { weights, samples: 11 },
      { weights, samples: 0 },
    ]);
    expect(averaged).toEqual(weights);
    expect(averaged[0]).not.toBe(weights[0]);
    expect(weights).toEqual(copy);
  });

  it('throws E_INVALID_ARGUMENT on no updates, bad sample counts and mismatched weights', () => {
    expect(() => fedAvg([])).toThrow(TrainerError);
    expect(() => fedAvg([])).toThrow(invalidArgument);
    expect(() =>
      fedAvg([
        { weights: [new Float32Array(2)], samples: 1 },
        { weights: [new Float32Array(3)], samples: 1 },
      ]),
    ).toThrow('fedAvg: update 1 has 1 weights (weight 0: 3 values), update 0 has 1 (2 values)');
    expect(() =>
      fedAvg([
        { weights: [new Float32Array(1)], samples: 1 },
        { weights: [new Float32Array(1), new Float32Array(1)], samples: 1 },
      ]),
    ).toThrow(invalidArgument);
    expect(() => fedAvg([{ weights: [new Float32Array(1)], samples: 0 }])).toThrow(
      'fedAvg: the updates hold 0 samples, expected > 0',
    );
    expect(() => fedAvg([{ weights: [new Float32Array(1)], samples: -1 }])).toThrow(
      invalidArgument,
    );
    expect(() => fedAvg([{ weights: [new Float32Array(1)], samples: Number.NaN }])).toThrow(
      invalidArgument,
    );
  });
});

describe('iidShards', () => {
  it('cuts the seeded permutation into sizes 3, 2, 2 for 7 samples and 3 clients', () => {
    // The oracle: the same permutation, cut by hand at 3 and 5, each part sorted.
    const order = Array.from(createRandom(42).shuffle(Int32Array.from([0, 1, 2, 3, 4, 5, 6])));
    const sorted = (part: number[]) => Int32Array.from(part.sort((a, b) => a - b));
    expect(iidShards(7, 3, 42)).toEqual([
      sorted(order.slice(0, 3)),
      sorted(order.slice(3, 5)),
      sorted(order.slice(5, 7)),
    ]);
  });

  it('partitions [0, n) into near-equal, seeded, non-contiguous shards', () => {
    const n = 1003;
    const shards = iidShards(n, 10, 42);
    expect(shards.map((s) => s.length)).toEqual([101, 101, 101, 100, 100, 100, 100, 100, 100, 100]);
    const seen = new Uint8Array(n);
    for (const shard of shards) for (const i of shard) seen[i]! += 1;
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(iidShards(n, 10, 42)).toEqual(shards);
    expect(iidShards(n, 10, 43)).not.toEqual(shards);
    // IID: a shard is not a contiguous block of the training set.
    expect(shards[0]![shards[0]!.length - 1]! - shards[0]![0]!).toBeGreaterThan(500);
  });

  it('gives one shard of everything for one client', () => {
    expect(iidShards(4, 1, 0)).toEqual([Int32Array.from([0, 1, 2, 3])]);
  });

  it('throws E_INVALID_ARGUMENT on clients outside [1, n] and a bad n', () => {
    expect(() => iidShards(5, 6, 0)).toThrow(
      'iidShards: clients must be an integer in [1, 5], got 6',
    );
    expect(() => iidShards(5, 0, 0)).toThrow(invalidArgument);
    expect(() => iidShards(5, 1.5, 0)).toThrow(invalidArgument);
    expect(() => iidShards(-1, 1, 0)).toThrow(invalidArgument);
  });
});
