import { type PaperDefense, type PaperRow, TABLE_1, table1MnistMean } from '../paper';
import type { PaperCell, RunSpec, Scale, SuiteDefinition } from '../types';
import { BADNETS, experimentRun, NETWORK_NAMES, overSeeds, PRESETS } from './_presets';

const ATTACKS = {
  'badnets-single': BADNETS,
  'badnets-label-specific': { ...BADNETS, labelMode: 'label-specific' },
} as const;

const DEFENSES = ['NONE', 'dp-sgd', 'nad', 'activation-clustering', 'abl'] as const;

/** Beyond Table 1 at cpu scale: DP-SGD's strong setting (Table 2's DP-SGD-2) and DBD (Table 17). */
const EXTRA_CPU_DEFENSES = [
  { id: 'dp-sgd-strong', defense: 'dp-sgd', baselines: { dpSgd: { setting: 'strong' } } },
  { id: 'dbd', defense: 'dbd', baselines: {} },
] as const;

/**
 * cpu scale: the paper's three MNIST networks at reduced width, on a 4,000 / 1,000-digit
 * subset, against NONE, NAD, AC and ABL (DP-SGD with per-sample gradients would take about
 * 20x plain training, hours per cell on these networks: ResNet18 gets a micro-batch DP-SGD
 * cell, see {@link CPU_PAPER_DP_SGD}).
 */
/**
 * NiN and VGG11 have no BatchNorm: with SGD (0.05 or 0.01, momentum 0.9) they stay at chance
 * for 5 epochs on these digits, with Adam (1e-3) they learn; ResNet18 trains with the SGD default.
 */
const ADAM = { optimizer: { type: 'adam', learningRate: 0.001 } } as const;
const CPU_PAPER_NETWORKS = [
  { architecture: 'nin', width: 0.25, label: 'NiN 1/4', training: ADAM },
  { architecture: 'vgg11', width: 0.25, label: 'VGG11 1/4', training: ADAM },
  { architecture: 'resnet18', width: 0.125, label: 'ResNet18 1/8', training: {} },
] as const;
const CPU_PAPER_DEFENSES = ['NONE', 'nad', 'activation-clustering', 'abl'] as const;
/**
 * DP-SGD on the paper networks at cpu scale: ResNet18 1/8 only (DP-SGD is plain SGD, with which
 * NiN and VGG11 do not train here), clipped and noised per micro-batch of 16 samples rather
 * than per sample (8 backward passes per lot of 128 instead of 128). A micro-batch bounds the
 * influence of a group, not of one sample: weaker privacy than the paper's per-sample DP-SGD.
 */
const CPU_PAPER_DP_SGD = {
  architecture: 'resnet18',
  id: 'dp-sgd-mb16',
  label: 'dp-sgd (micro-batch 16)',
  baselines: { dpSgd: { setting: 'light', microBatchSize: 16 } },
} as const;
const CPU_PAPER_SUBSET = { train: 4000, test: 1000 };

const FULL_DATASETS = {
  MNIST: {
    dataset: { type: 'mnist-idx', directory: 'data/mnist' },
    networks: ['nin', 'vgg11', 'resnet18'],
  },
  'CIFAR-10': {
    dataset: { type: 'cifar10', directory: 'data/cifar-10-batches-bin' },
    networks: ['nin', 'vgg16', 'resnet18'],
  },
  GTSRB: {
    dataset: { type: 'gtsrb', directory: 'data/gtsrb' },
    networks: ['nin', 'vgg16', 'resnet18'],
  },
} as const;

/** The paper's cell of a defense in a Table 1 row. */
export function paperCell(
  row: PaperRow | undefined,
  defense: PaperDefense | 'dbd',
  source: string,
): PaperCell | undefined {
  const cell = row?.[defense];
  if (!row || !cell) return undefined;
  const undefended = row.undefended;
  return {
    source,
    ba: cell[0],
    asr: cell[1],
    ...(undefended ? { undefendedBa: undefended[0], undefendedAsr: undefended[1] } : {}),
  };
}

/** Table 1: BadNets single-target and label-specific, against NONE and the four baselines. */
export const injectedSuite: SuiteDefinition = {
  name: 'injected',
  title: 'Injected trojans: NONE against DP-SGD, NAD, AC and ABL',
  reproduces: 'Table 1 (BadNets rows)',
  description:
    'Every cell trains an undefended model and a defended one from the same poisoned data and seed; BA is the clean test accuracy, ASR the share of triggered test images (not already of the target) classified as the target.',
  scaleNote: (scale) =>
    scale === 'full'
      ? "full: MNIST (IDX files in data/mnist), CIFAR-10 and GTSRB with the paper's networks, 100 epochs"
      : `${PRESETS[scale].note}. The paper has no small-CNN row: those cells are compared with the mean of its three MNIST networks (NiN, VGG11, ResNet18).${
          scale === 'cpu'
            ? " The paper's networks run at reduced width (NiN 1/4 and VGG11 1/4 with Adam 1e-3, as they have no BatchNorm; ResNet18 1/8 with the SGD default) on a 4,000 / 1,000-digit stratified subset, against NONE, NAD, AC and ABL, and are compared with the paper's MNIST cell of the same network. DP-SGD with per-sample gradients would take hours per cell on them: ResNet18 1/8 has a DP-SGD cell clipped and noised per micro-batch of 16 samples (weaker than the paper's per-sample DP-SGD); NiN and VGG11 have none (DP-SGD is plain SGD, with which they do not train here)."
            : ''
        }`,
  runs(scale: Scale, seeds?: readonly number[]): RunSpec[] {
    const runs: RunSpec[] = [];
    for (const [attackName, attack] of Object.entries(ATTACKS)) {
      // Smoke checks every defense once, on the single-target attack.
      if (scale === 'smoke' && attackName !== 'badnets-single') continue;
      if (scale === 'full') {
        for (const [datasetName, { dataset, networks }] of Object.entries(FULL_DATASETS)) {
          for (const network of networks) {
            const name = NETWORK_NAMES[network]!;
            const key = `${attackName}|${datasetName}|${name}`;
            for (const defense of DEFENSES) {
              runs.push(
                ...overSeeds(scale, seeds, (seed) =>
                  experimentRun(
                    scale,
                    `${attackName}/${datasetName}/${network}/${defense}`,
                    { attack: attackName, dataset: datasetName, network: name, defense },
                    {
                      seed,
                      dataset,
                      attack: { ...attack, target: datasetName === 'GTSRB' ? 1 : 0 },
                      model: { architecture: network },
                      defense,
                    },
                    paperCell(TABLE_1[key], defense, `Table 1, ${datasetName} / ${name}`),
                  ),
                ),
              );
            }
          }
        }
        continue;
      }
      const reference = table1MnistMean(attackName as keyof typeof ATTACKS);
      for (const defense of DEFENSES) {
        runs.push(
          ...overSeeds(scale, seeds, (seed) =>
            experimentRun(
              scale,
              `${attackName}/small-cnn/${defense}`,
              {
                attack: attackName === 'badnets-single' ? 'single-target' : 'label-specific',
                dataset: 'embedded MNIST',
                network: 'small CNN',
                defense,
              },
              { seed, attack, defense },
              paperCell(reference, defense, 'Table 1, MNIST, mean of NiN/VGG11/ResNet18'),
            ),
          ),
        );
      }
      if (scale !== 'cpu') continue;
      for (const extra of EXTRA_CPU_DEFENSES) {
        runs.push(
          ...overSeeds(scale, seeds, (seed) =>
            experimentRun(
              scale,
              `${attackName}/small-cnn/${extra.id}`,
              {
                attack: attackName === 'badnets-single' ? 'single-target' : 'label-specific',
                dataset: 'embedded MNIST',
                network: 'small CNN',
                defense: extra.id,
              },
              { seed, attack, defense: extra.defense, baselines: extra.baselines },
            ),
          ),
        );
      }
      const attackLabel = attackName === 'badnets-single' ? 'single-target' : 'label-specific';
      for (const net of CPU_PAPER_NETWORKS) {
        const name = NETWORK_NAMES[net.architecture] as string;
        const cells: {
          id: string;
          label: string;
          defense: (typeof CPU_PAPER_DEFENSES)[number] | 'dp-sgd';
          baselines?: object;
        }[] = CPU_PAPER_DEFENSES.map((d) => ({ id: d, label: d, defense: d }));
        if (net.architecture === CPU_PAPER_DP_SGD.architecture)
          cells.push({
            id: CPU_PAPER_DP_SGD.id,
            label: CPU_PAPER_DP_SGD.label,
            defense: 'dp-sgd',
            baselines: CPU_PAPER_DP_SGD.baselines,
          });
        for (const { id, label, defense, baselines } of cells) {
          runs.push(
            ...overSeeds(scale, seeds, (seed) => ({
              ...experimentRun(
                scale,
                `${attackName}/${net.architecture}-w${net.width}/${id}`,
                {
                  attack: attackLabel,
                  dataset: 'embedded MNIST',
                  network: net.label,
                  defense: label,
                },
                {
                  seed,
                  attack,
                  defense,
                  model: { architecture: net.architecture, width: net.width },
                  training: net.training,
                  ...(baselines ? { baselines } : {}),
                },
                paperCell(
                  TABLE_1[`${attackName}|MNIST|${name}`],
                  defense,
                  `Table 1, MNIST / ${name}`,
                ),
              ),
              subset: CPU_PAPER_SUBSET,
            })),
          );
        }
      }
    }
    return runs;
  },
};
