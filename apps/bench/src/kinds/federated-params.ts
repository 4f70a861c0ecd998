// The settings of the `federated` run kind (`spec.params`) and the design of the run.
import { z } from 'zod';
import { BenchError } from '../errors';

/**
 * Federated learning with a distributed backdoor attack, undefended and defended by NONE: the
 * paper's §5.4 (Table 7), "10 participants, of which 4 are malicious participants who conduct
 * the distributed Trojan attacks jointly"; the attackers "train their local models on the
 * poisoned training data and contribute to the global model without scaling", and NONE
 * "requires the participants to use their data to test the global model and upload the
 * activation values of the global model to identify compromised neurons".
 *
 * The run, step by step:
 * 1. **Shards.** The training set is split IID into `clients` shards (`iidShards` of `@none/trainer`: a
 *    seeded permutation cut into near-equal contiguous parts, sizes differ by at most one).
 * 2. **DBA.** The attack of the config (BadNets only: a patch whose mask is split) is the
 *    *global* trigger; {@link splitTriggerForClients} cuts it into `malicious` local parts
 *    (a 4x4 patch into four 2x2 quarters). Client k < `malicious` poisons `poisonRate` of its
 *    shard with local part k (`poisonClientDataset`: stamped and relabelled to the target).
 *    The others are benign. ASR is measured on the test set stamped with the global trigger
 *    (`attackTestSet` of the same config), as DBA does.
 * 3. **FedAvg** (McMahan et al.). Each round every client starts from the global weights and
 *    trains `localEpochs` epochs on its (kept) samples with a fresh optimizer of the config
 *    (SGD with momentum by default) at the round's learning rate (`training.schedule` over
 *    rounds; default x0.1 after 70% of the rounds); the server replaces the global weights
 *    by the sample-count weighted mean of the client weights (`fedAvg` of `@none/trainer`). No client
 *    scales its update.
 * 4. **Undefended** = the plain federated run of `rounds` rounds.
 * 5. **NONE** = the same run (the first `warmupRounds` rounds are shared with the undefended
 *    run: same seeds, so identical) where, before round `warmupRounds + d * roundsPerDetection`
 *    for d < `none.rounds`, the server asks every client to probe the current global model on
 *    its kept samples (`createActivationProbe`, the pre-activations and softmax outputs run-none
 *    uses) and report them; it concatenates the reports, runs the NONE detection of the
 *    config's variant (`detectNone`), resets the flagged neurons of the global model
 *    (`resetNeurons`) and tells every client which of its samples were flagged: the clients
 *    drop them (they are assumed to comply, as in the paper) and training continues as
 *    FedAvg, from the first detection on at `none.fineTuneLearningRate` (NONE's fine-tune
 *    epochs, as `runNone` trains them; `fineTune: false` keeps the federation's schedule).
 *    A detection that flags nothing and resets nothing ends the detections. With
 *    `none.retrain` (the config's default, as in `runExperiment`), once the `rounds` rounds
 *    are done and something was removed, the federation purifies and retrains: a fresh
 *    global model (seed + 1) trained by FedAvg for `rounds` rounds on the kept samples;
 *    the defended time includes it. Removed, precision and recall
 *    are over the training set (all clients) against the poisoned samples.
 *
 * Settings (`spec.params`, see {@link federatedParamsSchema}): `clients`, `malicious`,
 * `rounds`, `localEpochs`, `warmupRounds` (default `none.warmupEpochs` of the config),
 * `roundsPerDetection` (default `none.epochsPerRound`, at least 1), `fineTune`. The config gives the
 * data, model, attack, `poisonRate` (per malicious client), optimizer, batch size, seed and
 * NONE's options; `training.epochs` is not used (the federation trains `rounds x
 * localEpochs` local epochs). A killed federated run starts again from round 0 (no
 * checkpoints: runs are minutes long at cpu scale).
 *
 * @see C. Xie, K. Huang, P.-Y. Chen, B. Li, "DBA: Distributed Backdoor Attacks against
 * Federated Learning", ICLR 2020.
 * @see H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017.
 * @see K. Liu et al., "Training with More Confidence: Mitigating Injected and Natural
 * Backdoors During Training", NeurIPS 2022, §5.4 and Table 7.
 */
export const federatedParamsSchema = z
  .strictObject({
    /** Participants. @default 10 */
    clients: z.number().int().min(1).default(10),
    /** Malicious participants (clients 0..malicious-1), one local trigger part each. @default 4 */
    malicious: z.number().int().min(0).default(4),
    /** FedAvg rounds. */
    rounds: z.number().int().positive(),
    /** Local epochs of every client per round. @default 1 */
    localEpochs: z.number().int().positive().default(1),
    /** Rounds before NONE's first detection. @default the config's none.warmupEpochs */
    warmupRounds: z.number().int().positive().optional(),
    /** Rounds between two detections. @default max(1, the config's none.epochsPerRound) */
    roundsPerDetection: z.number().int().positive().optional(),
    /**
     * From NONE's first detection on, the clients train at `none.fineTuneLearningRate` (NONE's
     * fine-tune epochs, as `runNone` does); `false`: at the federation's own schedule.
     * @default true
     */
    fineTune: z.boolean().default(true),
  })
  .refine((p) => p.malicious <= p.clients, {
    message: 'malicious must be at most clients',
    path: ['malicious'],
  });

export type FederatedParams = z.output<typeof federatedParamsSchema>;
export type FederatedParamsInput = z.input<typeof federatedParamsSchema>;

/** Validates `spec.params` of a federated run. @throws {BenchError} `E_INVALID_PARAMS` naming the bad fields. */
export function parseFederatedParams(params: unknown, where = 'federated run'): FederatedParams {
  const result = federatedParamsSchema.safeParse(params ?? {});
  if (!result.success) {
    throw new BenchError(
      'E_INVALID_PARAMS',
      `${where}: invalid params:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}
