import type { ExperimentConfigInput } from '@none/config';
import { BenchError } from '../errors';
import type { RunSpec, Scale } from '../types';

/** What every run of a scale shares: data, model, epochs, NONE's schedule. */
export interface ScalePreset {
  dataset: ExperimentConfigInput['dataset'];
  subset?: RunSpec['subset'];
  model: NonNullable<ExperimentConfigInput['model']>;
  training: NonNullable<ExperimentConfigInput['training']>;
  none: NonNullable<ExperimentConfigInput['none']>;
  /** Baseline settings of the scale (smoke shortens their stages). */
  baselines?: ExperimentConfigInput['baselines'];
  /** Seeds of each cell unless `--seeds` asks for others (several: the report adds mean ± sd). */
  seeds: number[];
  note: string;
}

/** The three scales (DESIGN.md: the bench scales down on a CPU and says so). */
export const PRESETS: Record<Scale, ScalePreset> = {
  smoke: {
    dataset: { type: 'embedded-mnist' },
    subset: { train: 2000, test: 500 },
    model: { architecture: 'small-cnn' },
    training: { epochs: 3, batchSize: 32 },
    none: { warmupEpochs: 1, rounds: 1, epochsPerRound: 1 },
    baselines: {
      abl: { isolationEpochs: 1, unlearningEpochs: 1 },
      nad: { teacherEpochs: 2, distillationEpochs: 2 },
      dbd: { selfSupervisedEpochs: 1, headEpochs: 1, fineTuneEpochs: 1 },
    },
    seeds: [0],
    note: 'smoke: 2,000 training / 500 test digits of the embedded MNIST, small CNN, 3 epochs of batch 32; checks the pipeline, not the numbers',
  },
  cpu: {
    dataset: { type: 'embedded-mnist' },
    model: { architecture: 'small-cnn' },
    training: { epochs: 10, batchSize: 128 },
    none: {},
    seeds: [0],
    note: 'cpu: the embedded MNIST (8,000 training / 2,000 test digits), small CNN (conv16-pool-conv32-pool-dense64), 10 epochs, SGD 0.05, wasm backend on 2 CPU cores',
  },
  full: {
    dataset: { type: 'cifar10', directory: 'data/cifar-10-batches-bin' },
    model: { architecture: 'resnet18' },
    training: {
      epochs: 100,
      batchSize: 128,
      optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4 },
      augment: { padding: 4, flip: true },
    },
    none: { warmupEpochs: 10, rounds: 5, epochsPerRound: 5 },
    seeds: [0],
    note: "full: the paper's setting (CIFAR-10 from data/cifar-10-batches-bin, ResNet18, 100 epochs, batch 128); needs a GPU (tfjs-node-gpu)",
  },
};

/** The BadNets attack of §5.3: a 3x3 white patch, target 0, 5% poisoned. */
export const BADNETS = { type: 'badnets', size: 3, target: 0 } as const;

/** One experiment run of a preset, with overrides merged one level deep. */
export function experimentRun(
  scale: Scale,
  id: string,
  labels: RunSpec['labels'],
  overrides: Partial<ExperimentConfigInput> & { seed?: number },
  paper?: RunSpec['paper'],
): RunSpec {
  const p = PRESETS[scale];
  const config: ExperimentConfigInput = {
    dataset: p.dataset,
    attack: BADNETS,
    poisonRate: 0.05,
    defense: 'NONE',
    ...overrides,
    model: { ...p.model, ...overrides.model },
    training: { ...p.training, ...overrides.training },
    none: { ...p.none, ...overrides.none },
    ...(p.baselines || overrides.baselines
      ? { baselines: { ...p.baselines, ...overrides.baselines } }
      : {}),
  };
  return {
    id,
    labels,
    kind: 'experiment',
    config,
    ...(p.subset ? { subset: p.subset } : {}),
    ...(paper ? { paper } : {}),
  };
}

/**
 * Expands runs over seeds (`id/seedN`, label `seed`): `seeds` when given (`--seeds`), else the
 * preset's.
 *
 * @throws {BenchError} `E_INVALID_ARGUMENT` when `seeds` is empty or holds a non-integer or a repeat
 */
export function overSeeds(
  scale: Scale,
  seeds: readonly number[] | undefined,
  make: (seed: number) => RunSpec,
): RunSpec[] {
  return checkSeeds(seeds ?? PRESETS[scale].seeds).map((seed) => {
    const spec = make(seed);
    return {
      ...spec,
      id: `${spec.id}/seed${seed}`,
      labels: { ...spec.labels, seed },
      config: { ...spec.config, seed },
    };
  });
}

/** The paper's name of an architecture. */
export const NETWORK_NAMES: Record<string, string> = {
  'small-cnn': 'small CNN',
  nin: 'NiN',
  vgg11: 'VGG11',
  vgg16: 'VGG16',
  resnet18: 'ResNet18',
  mlp: 'MLP',
};

/** `seeds` if it is a non-empty list of distinct non-negative integers; throws naming the bad one. */
export function checkSeeds(seeds: readonly number[]): readonly number[] {
  if (seeds.length === 0)
    throw new BenchError('E_INVALID_ARGUMENT', 'seeds: expected at least one seed, got none');
  const seen = new Set<number>();
  for (const seed of seeds) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new BenchError(
        'E_INVALID_ARGUMENT',
        `seeds: expected non-negative integers, got ${seed}`,
      );
    if (seen.has(seed)) throw new BenchError('E_INVALID_ARGUMENT', `seeds: ${seed} is given twice`);
    seen.add(seed);
  }
  return seeds;
}
