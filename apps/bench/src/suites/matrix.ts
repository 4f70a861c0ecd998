// Issue #21's matrix: one set of NONE defaults against every attack setting, over seeds.
import { TABLE_1, TABLE_3, TABLE_4, TABLE_5, TABLE_6, TABLE_12_17 } from '../paper';
import type { RunSpec, SuiteDefinition } from '../types';
import { BADNETS, experimentRun, overSeeds, PRESETS } from './_presets';
import { paperCell } from './injected';

const CIFAR = 'CIFAR-10 / ResNet18';
const ADAM = { optimizer: { type: 'adam', learningRate: 0.001 } } as const;
const PAPER_SUBSET = { train: 4000, test: 1000 };

interface Cell {
  id: string;
  setting: string;
  overrides: Parameters<typeof experimentRun>[3];
  paper?: RunSpec['paper'];
  /** Seeds at cpu scale. */
  seeds: number[];
}

const cell = (
  id: string,
  setting: string,
  overrides: Cell['overrides'],
  paper?: RunSpec['paper'],
  seeds = [0, 1, 2],
): Cell => ({ id, setting, overrides, ...(paper ? { paper } : {}), seeds });

/** The small CNN's cells (embedded MNIST, 8,000 / 2,000). */
const SMALL_CNN: Cell[] = [
  cell(
    'badnets',
    'BadNets 3x3, 5%',
    { attack: BADNETS },
    paperCell(TABLE_6[0.05], 'NONE', `Table 6, ${CIFAR}`),
    [0, 1, 2, 3, 4],
  ),
  ...[5, 7, 9].map((size) =>
    cell(
      `size${size}`,
      `BadNets ${size}x${size}`,
      { attack: { ...BADNETS, size } },
      paperCell(TABLE_5[size], 'NONE', `Table 5, ${CIFAR}`),
    ),
  ),
  ...[0.01, 0.1, 0.2].map((rate) =>
    cell(
      `rate${rate}`,
      `BadNets 3x3, ${rate * 100}%`,
      { poisonRate: rate },
      paperCell(TABLE_6[rate], 'NONE', `Table 6, ${CIFAR}`),
    ),
  ),
  cell(
    'label-specific',
    'label-specific (y → y+1)',
    { attack: { ...BADNETS, labelMode: 'label-specific' } },
    paperCell(
      TABLE_1['badnets-label-specific|MNIST|ResNet18'],
      'NONE',
      'Table 1, MNIST / ResNet18',
    ),
  ),
  cell(
    'blend',
    'Blend, 5%',
    { attack: { type: 'blend', target: 0 } },
    paperCell(TABLE_12_17.blend, 'NONE', `Table 12, ${CIFAR}`),
  ),
  cell(
    'watermark',
    'watermark',
    { attack: { type: 'watermark', target: 0 } },
    paperCell(TABLE_4['watermark|ResNet18'], 'NONE', `Table 4, ${CIFAR}`),
  ),
  cell(
    'dynamic-patch',
    'dynamic patch',
    { attack: { type: 'dynamic-patch', size: 3, target: 0 } },
    paperCell(TABLE_4['dynamic-patch|ResNet18'], 'NONE', `Table 4, ${CIFAR}`),
  ),
  ...(['filter', 'sig', 'wanet'] as const).map((type) =>
    cell(
      type,
      `${type === 'sig' ? 'SIG' : type === 'wanet' ? 'WaNet' : 'Filter'}, 10%`,
      { attack: { type, target: 0 }, poisonRate: 0.1 },
      paperCell(TABLE_12_17[type], 'NONE', `Table 12/17, ${CIFAR}`),
    ),
  ),
  // Not in the list: another target and corner, so a fit to the listed cells shows.
  cell('badnets-t7-top-left', 'BadNets 3x3, target 7, top-left', {
    attack: { ...BADNETS, target: 7, position: 'top-left' },
  }),
  cell(
    'clean',
    'clean data',
    { attack: null },
    {
      source: 'Table 3, mean',
      undefendedBa: mean(Object.values(TABLE_3).map((r) => r[0])),
      ba: mean(Object.values(TABLE_3).map((r) => r[1])),
    },
  ),
  cell('clean-mlp', 'clean data, MLP', { attack: null, model: { architecture: 'mlp' } }),
];

/** The paper's MNIST networks at reduced width (4,000 / 1,000 digits). */
const PAPER_NETWORKS = [
  { architecture: 'nin', width: 0.25, label: 'NiN 1/4', training: ADAM, paper: 'NiN' },
  {
    architecture: 'resnet18',
    width: 0.125,
    label: 'ResNet18 1/8',
    training: {},
    paper: 'ResNet18',
  },
] as const;

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The robustness matrix of issue #21: NONE's default against BadNets of four sizes and four
 * rates, label-specific, Blend, watermark, dynamic patch, Filter, SIG, WaNet and clean data,
 * over 3–5 seeds, and the paper's MNIST networks on single-target, label-specific and clean
 * data. One set of defaults for every cell.
 */
export const robustnessSuite: SuiteDefinition = {
  name: 'robustness',
  title: "NONE's default over attack settings and seeds",
  reproduces: 'Tables 1, 3, 4, 5, 6, 12, 17 (one default for all)',
  description:
    "Every cell runs NONE with the same defaults (no per-cell setting). Seeds 0–4 for BadNets 3x3 at 5%, 0–2 elsewhere. A cell not in the paper (another target and corner) checks that the defaults were not fitted to the listed ones. The paper's cells are CIFAR-10 / ResNet18 unless marked MNIST.",
  scaleNote: (scale) =>
    `${PRESETS[scale].note}. NiN 1/4 (Adam 1e-3) and ResNet18 1/8 on a 4,000 / 1,000-digit subset.`,
  runs: (scale, seeds) => {
    const smoke = scale === 'smoke';
    const cells = smoke
      ? SMALL_CNN.filter((c) => c.id === 'badnets' || c.id === 'clean')
      : SMALL_CNN;
    const small = cells.flatMap((c) =>
      overSeeds(scale, seeds ?? (smoke ? undefined : c.seeds), (seed) =>
        experimentRun(
          scale,
          c.id,
          { setting: c.setting, network: c.overrides.model?.architecture ?? 'small-cnn' },
          { ...c.overrides, seed },
          c.paper,
        ),
      ),
    );
    if (smoke) return small;
    const settings = [
      { id: 'badnets', setting: 'BadNets 3x3, 5%', attack: BADNETS, table: 'badnets-single' },
      {
        id: 'label-specific',
        setting: 'label-specific (y → y+1)',
        attack: { ...BADNETS, labelMode: 'label-specific' },
        table: 'badnets-label-specific',
      },
      { id: 'clean', setting: 'clean data', attack: null, table: undefined },
    ] as const;
    const networks = PAPER_NETWORKS.flatMap((net) =>
      settings.flatMap((s) =>
        overSeeds(scale, seeds ?? [0, 1, 2], (seed) => ({
          ...experimentRun(
            scale,
            `${net.architecture}-w${net.width}/${s.id}`,
            { setting: s.setting, network: net.label },
            {
              seed,
              attack: s.attack,
              model: { architecture: net.architecture, width: net.width },
              training: net.training,
            },
            s.table
              ? paperCell(
                  TABLE_1[`${s.table}|MNIST|${net.paper}`],
                  'NONE',
                  `Table 1, MNIST / ${net.paper}`,
                )
              : undefined,
          ),
          subset: PAPER_SUBSET,
        })),
      ),
    );
    return [...small, ...networks];
  },
};
