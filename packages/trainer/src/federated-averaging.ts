import { createRandom } from '@none/stats';
import { TrainerError } from './errors';

/** One client's contribution to a FedAvg round. */
export interface ClientUpdate {
  /** Its model's weights after local training (every weight of the model, in order). */
  weights: readonly Float32Array[];
  /** The samples it trained on: the weight of its update, a non-negative number. */
  samples: number;
}

/**
 * FedAvg's server step: the sample-count weighted mean of the clients' weights,
 * `w = Σ_k (n_k / Σ_j n_j) · w_k`, accumulated in float64 and returned as new arrays.
 *
 * @param updates - one per client; every update holds the same number of weights, each of the
 *   same length as in update 0. Never mutated.
 * @returns the averaged weights, in the order of the updates' weights.
 * @throws {TrainerError} `E_INVALID_ARGUMENT` without updates, with a negative or non-finite
 *   sample count, no samples in total, or weights whose count or lengths differ from update 0's.
 *
 * @example
 * ```ts
 * fedAvg([
 *   { weights: [Float32Array.from([0, 4])], samples: 1 },
 *   { weights: [Float32Array.from([4, 0])], samples: 3 },
 * ]); // [Float32Array [3, 1]]
 * ```
 * @see H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017.
 */
export function fedAvg(updates: readonly ClientUpdate[]): Float32Array[] {
  if (updates.length === 0) {
    throw new TrainerError('E_INVALID_ARGUMENT', 'fedAvg: no client updates; pass at least one');
  }
  let total = 0;
  for (const [k, update] of updates.entries()) {
    if (!(Number.isFinite(update.samples) && update.samples >= 0)) {
      throw new TrainerError(
        'E_INVALID_ARGUMENT',
        `fedAvg: update ${k} has samples ${update.samples}, expected a finite number >= 0`,
      );
    }
    total += update.samples;
  }
  if (!(total > 0)) {
    throw new TrainerError(
      'E_INVALID_ARGUMENT',
      `fedAvg: the updates hold ${total} samples, expected > 0`,
    );
  }
  const first = updates[0]!.weights;
  return first.map((tensor, t) => {
    const sum = new Float64Array(tensor.length);
    for (const [k, update] of updates.entries()) {
      const values = update.weights[t];
      if (update.weights.length !== first.length || values?.length !== tensor.length) {
        throw new TrainerError(
          'E_INVALID_ARGUMENT',
          `fedAvg: update ${k} has ${update.weights.length} weights (weight ${t}: ${values?.length} values), update 0 has ${first.length} (${tensor.length} values)`,
        );
      }
      const share = update.samples / total;
      for (let i = 0; i < values.length; i++) sum[i]! += share * values[i]!;
    }
    return Float32Array.from(sum);
  });
}

/**
 * Splits `[0, n)` IID into `clients` shards: a permutation drawn with `createRandom(seed)` cut
 * into contiguous parts (the first `n mod clients` get one sample more), each sorted ascending.
 * The shards partition `[0, n)`, and their sizes differ by at most one.
 *
 * @param n - the number of samples, a non-negative integer.
 * @param clients - the number of shards, an integer in `[1, n]`.
 * @param seed - the permutation's seed (same seed, same shards).
 * @throws {TrainerError} `E_INVALID_ARGUMENT` if `n` or `clients` is out of range.
 *
 * @example
 * ```ts
 * iidShards(7, 3, 0).map((shard) => shard.length); // [3, 2, 2]
 * ```
 */
export function iidShards(n: number, clients: number, seed: number): Int32Array[] {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new TrainerError(
      'E_INVALID_ARGUMENT',
      `iidShards: n must be a non-negative integer, got ${n}`,
    );
  }
  if (!Number.isInteger(clients) || clients < 1 || clients > n) {
    throw new TrainerError(
      'E_INVALID_ARGUMENT',
      `iidShards: clients must be an integer in [1, ${n}], got ${clients}`,
    );
  }
  const order = createRandom(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const base = Math.floor(n / clients);
  const extra = n % clients;
  const shards: Int32Array[] = [];
  let start = 0;
  for (let k = 0; k < clients; k++) {
    const size = base + (k < extra ? 1 : 0);
    shards.push(order.slice(start, start + size).sort());
    start += size;
  }
  return shards;
}
