// The participants of a `federated` run: IID shards of the training set, the malicious ones
// poisoned with their part of the DBA trigger.
import { createBadNetsTrigger, type MaskedTrigger } from '@none/attacks';
import { poisonClientDataset, splitTriggerForClients } from '@none/attacks/model';
import { type ImageDataset, subsetDataset } from '@none/data';
import { deriveSeed } from '@none/stats';
import { iidShards } from '@none/trainer';

/** The participants of a federated run. */
export interface FederatedClients {
  /** Per client, its data (poisoned for the malicious ones). */
  data: ImageDataset[];
  /** Per client, the training-set index of each of its samples (its shard). */
  shards: Int32Array[];
  /** Per client, the poisoned samples (indices into its data); empty for benign clients. */
  poisoned: Int32Array[];
  /** The trigger of the test set. */
  globalTrigger: MaskedTrigger;
  /** Malicious client k's part of it. */
  localTriggers: MaskedTrigger[];
}

/**
 * Shards the training set (`iidShards` of `@none/trainer`, seed `deriveSeed(seed, 'federated-shards')`) and poisons the
 * shard of client k < `malicious` with local part k of the BadNets trigger `attack`
 * (`round(rate * n_k)` non-target samples, seed `deriveSeed(seed, 'federated-poison', k)`).
 */
export function createFederatedClients(
  train: ImageDataset,
  options: {
    clients: number;
    malicious: number;
    attack: { type: 'badnets'; target?: number } & Parameters<typeof createBadNetsTrigger>[1];
    rate: number;
    seed: number;
  },
): FederatedClients {
  const [n, height, width, channels] = train.shape;
  const shards = iidShards(n, options.clients, deriveSeed(options.seed, 'federated-shards'));
  const { type: _type, target = 0, ...patch } = options.attack;
  const globalTrigger = createBadNetsTrigger({ height, width, channels }, patch);
  const localTriggers =
    options.malicious > 0 ? splitTriggerForClients(globalTrigger, options.malicious) : [];
  const data: ImageDataset[] = [];
  const poisoned: Int32Array[] = [];
  for (const [k, shard] of shards.entries()) {
    const clean = subsetDataset(train, shard);
    if (k < options.malicious) {
      const result = poisonClientDataset(clean, localTriggers[k]!, {
        target,
        rate: options.rate,
        seed: deriveSeed(options.seed, 'federated-poison', k),
      });
      data.push(result.dataset);
      poisoned.push(result.poisonedIndices);
    } else {
      data.push(clean);
      poisoned.push(new Int32Array(0));
    }
  }
  return { data, shards, poisoned, globalTrigger, localTriggers };
}
