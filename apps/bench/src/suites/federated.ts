// Table 7: federated learning with DBA clients, FedAvg, NONE on the global model (§5.4).
import type { FederatedParamsInput } from '../kinds/federated-params';
import type { RunSpec, Scale, SuiteDefinition } from '../types';
import { experimentRun, overSeeds } from './_presets';

/** Table 7 of the paper: [BA, ASR] in percent of the undefended and the NONE global model. */
export const TABLE_7 = {
  MNIST: { undefended: [99.22, 99.15], NONE: [98.6, 0.13] },
  'CIFAR-10': { undefended: [80.31, 43.23], NONE: [78.67, 4.44] },
} as const satisfies Record<string, Record<'undefended' | 'NONE', readonly [number, number]>>;

/**
 * DBA's global trigger: a 4x4 white patch (bottom-right, target 0) that the four malicious
 * clients split into 2x2 quarters; each poisons this share of its own data.
 */
const DBA_ATTACK = { type: 'badnets', size: 4, target: 0 } as const;
const CLIENT_POISON_RATE = 0.2;

interface Cell {
  id: string;
  dataset: keyof typeof TABLE_7;
  params: FederatedParamsInput;
  overrides: Parameters<typeof experimentRun>[3];
}

const cells = (scale: Scale): Cell[] => {
  const federation = { clients: 10, malicious: 4 };
  if (scale === 'smoke') {
    return [
      {
        id: 'mnist/small-cnn',
        dataset: 'MNIST',
        params: { ...federation, rounds: 3, localEpochs: 1, warmupRounds: 2 },
        overrides: {
          training: { epochs: 3, batchSize: 32 },
          none: { variant: 'consensus', rounds: 1 },
        },
      },
    ];
  }
  if (scale === 'cpu') {
    return [
      {
        id: 'mnist/small-cnn',
        dataset: 'MNIST',
        params: { ...federation, rounds: 12, localEpochs: 2, warmupRounds: 6 },
        overrides: {
          training: { epochs: 12, batchSize: 32 },
          none: { variant: 'consensus', rounds: 2 },
        },
      },
    ];
  }
  return [
    {
      id: 'mnist/small-cnn',
      dataset: 'MNIST',
      params: {
        ...federation,
        rounds: 50,
        localEpochs: 2,
        warmupRounds: 10,
        roundsPerDetection: 5,
      },
      overrides: {
        dataset: { type: 'mnist-idx', directory: 'data/mnist' },
        model: { architecture: 'small-cnn' },
        training: {
          epochs: 50,
          batchSize: 64,
          optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4 },
          augment: false,
        },
        none: { variant: 'consensus', rounds: 3 },
      },
    },
    {
      id: 'cifar10/resnet18',
      dataset: 'CIFAR-10',
      params: {
        ...federation,
        rounds: 100,
        localEpochs: 2,
        warmupRounds: 20,
        roundsPerDetection: 10,
      },
      overrides: {
        training: { epochs: 100, batchSize: 64 },
        none: { variant: 'consensus', rounds: 3 },
      },
    },
  ];
};

/** Table 7: federated learning, 10 clients of which 4 run DBA, FedAvg, NONE on the global model. */
export const federatedSuite: SuiteDefinition = {
  name: 'federated',
  title: 'Federated learning with a distributed backdoor attack',
  reproduces: 'Table 7',
  description:
    "Ten clients hold IID shards of the training set; four are malicious and run DBA (Xie et al. 2020): a 4x4 patch trigger is split into four 2x2 parts, each attacker stamps its part on 20% of its shard (relabelled to class 0) and trains on it like any client, without scaling its update. The server runs FedAvg (every client trains its local epochs from the global weights each round; sample-weighted mean). ASR is measured with the assembled global trigger. NONE: after the warm-up rounds the server asks every client to probe the global model on its own data and report the activations; it detects on their concatenation, resets the flagged neurons of the global model and the clients drop the flagged samples; FedAvg goes on at NONE's fine-tune rate, then (`none.retrain`, the default) a fresh global model is trained by FedAvg on the kept samples. `removed`, precision and recall are over all clients' samples.",
  scaleNote: (scale) => {
    const [cell] = cells(scale);
    const p = cell!.params;
    const data =
      scale === 'full'
        ? 'MNIST (IDX files in data/mnist) with the small CNN and CIFAR-10 with ResNet18; needs a GPU'
        : scale === 'smoke'
          ? '2,000 training / 500 test digits of the embedded MNIST, small CNN; checks the pipeline, not the numbers'
          : 'the embedded MNIST (8,000 training / 2,000 test digits), small CNN, wasm backend';
    return `${scale}: ${data}; ${p.clients} clients (${p.malicious} malicious), ${p.rounds} FedAvg rounds of ${p.localEpochs} local epoch(s), NONE's first detection after ${p.warmupRounds} rounds. The paper's MNIST row is compared; it does not state its network or rounds.`;
  },
  runs: (scale, seeds) =>
    cells(scale).flatMap(({ id, dataset, params, overrides }) =>
      overSeeds(scale, seeds, (seed) => {
        const paper = TABLE_7[dataset];
        const spec: RunSpec = experimentRun(
          scale,
          id,
          { dataset, network: id.split('/')[1]! },
          {
            seed,
            attack: DBA_ATTACK,
            poisonRate: CLIENT_POISON_RATE,
            defense: 'NONE',
            ...overrides,
          },
          {
            source: `Table 7, ${dataset}`,
            undefendedBa: paper.undefended[0],
            undefendedAsr: paper.undefended[1],
            ba: paper.NONE[0],
            asr: paper.NONE[1],
          },
        );
        return { ...spec, kind: 'federated', params: { ...params } };
      }),
    ),
};
