// An ablation of this project's `consensus` detection: how many clusters per layer it
// searches for the combination the layers agree on (`none.candidatesPerLayer`).
import type { ExperimentConfigInput } from '@none/config';
import { TABLE_4, TABLE_5, TABLE_6 } from '../paper';
import type { RunSpec, SuiteDefinition } from '../types';
import { BADNETS, checkSeeds, experimentRun, overSeeds, PRESETS } from './_presets';
import { paperCell } from './injected';

/** The settings compared: where `consensus` already works, where it misses, and clean data. */
const SETTINGS: Record<
  string,
  { label: string; overrides: Partial<ExperimentConfigInput>; paper?: RunSpec['paper'] }
> = {
  badnets: {
    label: 'BadNets 3x3, 5%',
    overrides: {},
    paper: paperCell(TABLE_5[3], 'NONE', 'Table 5, CIFAR-10 / ResNet18'),
  },
  'label-specific': {
    label: 'BadNets 3x3, 5%, label-specific',
    overrides: { attack: { ...BADNETS, labelMode: 'label-specific' } },
  },
  size5: {
    label: 'BadNets 5x5, 5%',
    overrides: { attack: { ...BADNETS, size: 5 } },
    paper: paperCell(TABLE_5[5], 'NONE', 'Table 5, CIFAR-10 / ResNet18'),
  },
  size7: {
    label: 'BadNets 7x7, 5%',
    overrides: { attack: { ...BADNETS, size: 7 } },
    paper: paperCell(TABLE_5[7], 'NONE', 'Table 5, CIFAR-10 / ResNet18'),
  },
  rate10: {
    label: 'BadNets 3x3, 10%',
    overrides: { poisonRate: 0.1 },
    paper: paperCell(TABLE_6[0.1], 'NONE', 'Table 6, CIFAR-10 / ResNet18'),
  },
  watermark: {
    label: 'watermark, 5%',
    overrides: { attack: { type: 'watermark', target: 0 } },
    paper: paperCell(TABLE_4['watermark|ResNet18'], 'NONE', 'Table 4, CIFAR-10 / ResNet18'),
  },
  'clean-cnn': { label: 'clean data, small CNN', overrides: { attack: null } },
  'clean-mlp': {
    label: 'clean data, MLP',
    overrides: { attack: null, model: { architecture: 'mlp' } },
  },
};

/** The suite's own seeds: an ablation is read as mean ± sd, so three unless `--seeds` says. */
const ABLATION_SEEDS = { smoke: [0], cpu: [0, 1, 2], full: [0, 1, 2] } as const;

/** `none.candidatesPerLayer` 1 (the default) against 3, over the settings above. */
export const consensusCandidatesSuite: SuiteDefinition = {
  name: 'consensus-candidates',
  title: 'Ablation: clusters searched per layer by the consensus detection',
  description:
    "`consensus` calls a class backdoored when the high clusters its layers single out agree (mean Jaccard ≥ 0.5). With `candidatesPerLayer` 1 each layer offers only its best-separating cluster; with 3 the detection takes the one-per-layer combination of each layer's three best that agrees most. Each setting runs with both, over three seeds; the removed count on clean data is the cost of searching more.",
  scaleNote: (scale) =>
    `${PRESETS[scale].note}. Seeds ${ABLATION_SEEDS[scale].join(', ')} unless --seeds says otherwise.`,
  runs: (scale, seeds) => {
    const names = scale === 'smoke' ? ['badnets'] : Object.keys(SETTINGS);
    return names.flatMap((name) => {
      const setting = SETTINGS[name]!;
      return [1, 3].flatMap((candidates) =>
        overSeeds(scale, checkSeeds(seeds ?? ABLATION_SEEDS[scale]), (seed) =>
          experimentRun(
            scale,
            `${name}/candidates${candidates}`,
            { setting: setting.label, candidates },
            {
              seed,
              ...setting.overrides,
              none: { candidatesPerLayer: candidates },
            },
            setting.paper,
          ),
        ),
      );
    });
  },
};
