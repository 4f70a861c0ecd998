// Benign training, sensitivity, natural trojans, efficiency and detection quality.
import { TABLE_2, TABLE_3, TABLE_8, TABLE_13, TABLE_14, TABLE_15 } from '../paper';
import type { RunSpec, Scale, SuiteDefinition } from '../types';
import { BADNETS, experimentRun, NETWORK_NAMES, overSeeds, PRESETS } from './_presets';

/** Table 3: BA of NONE on clean data (no attack). */
export const benignSuite: SuiteDefinition = {
  name: 'benign',
  title: 'Benign accuracy without an attack',
  reproduces: 'Table 3',
  description:
    'NONE on clean training data: what it costs when there is nothing to find (BA with and without NONE, samples removed).',
  scaleNote: (scale) =>
    `${PRESETS[scale].note}. The paper has no MNIST row; its mean BA drop over its nine rows is 2.33 points.`,
  runs: (scale, seeds) => {
    const architectures =
      scale === 'smoke'
        ? ['small-cnn']
        : scale === 'cpu'
          ? ['small-cnn', 'mlp']
          : ['nin', 'vgg16', 'resnet18'];
    const rows = Object.values(TABLE_3);
    const meanCell = {
      source: 'Table 3, mean of its nine rows',
      undefendedBa: rows.reduce((sum, r) => sum + r[0], 0) / rows.length,
      ba: rows.reduce((sum, r) => sum + r[1], 0) / rows.length,
    };
    /** The paper's own row where it has one (CIFAR-10 at full scale), else its mean. */
    const paperCell = (architecture: string) => {
      const row = scale === 'full' ? TABLE_3[`CIFAR-10|${NETWORK_NAMES[architecture]}`] : undefined;
      return row ? { source: 'Table 3, CIFAR-10', undefendedBa: row[0], ba: row[1] } : meanCell;
    };
    return architectures.flatMap((architecture) =>
      overSeeds(scale, seeds, (seed) =>
        experimentRun(
          scale,
          architecture,
          { network: architecture },
          { seed, attack: null, model: { architecture } },
          paperCell(architecture),
        ),
      ),
    );
  },
};

/** Tables 13 and 14, Figs. 8 and 9: NONE's parameters one at a time. */
export const sensitivitySuite: SuiteDefinition = {
  name: 'sensitivity',
  title: "Sensitivity to NONE's parameters",
  reproduces: 'Tables 13, 14; Figs. 8, 9',
  description:
    "One parameter varies at a time, the others keep their defaults. The fine-tune learning rate and the reset fraction (Figs. 8, 9) are varied for the default variant; the selection threshold and λl/λh (Tables 13, 14) are parameters of the paper's confidence-gap detection, so those rows run `none.variant: confidence-gap`.",
  scaleNote: (scale) => `${PRESETS[scale].note}. The paper ran this on CIFAR-10 / ResNet18 (§8.8).`,
  runs: (scale, seeds) => {
    const smoke = scale === 'smoke';
    const grid: {
      parameter: string;
      value: number | string;
      none: Record<string, unknown>;
      paper?: [number, number];
    }[] = [
      ...(smoke ? [1e-3] : [1e-2, 1e-3, 1e-4, 1e-5]).map((v) => ({
        parameter: 'fineTuneLearningRate',
        value: v,
        none: { fineTuneLearningRate: v },
      })),
      ...(smoke ? [0.03] : [0.005, 0.01, 0.03, 0.05, 0.1, 0.15]).map((v) => ({
        parameter: 'resetFraction',
        value: v,
        none: { resetFraction: v },
      })),
      ...(smoke ? [] : (['top-1', 0.005, 0.01, 0.1, 0.3, 0.5, 1] as const)).map((v) => ({
        parameter: 'selection',
        value: v,
        none: { variant: 'confidence-gap', selection: v },
        paper: TABLE_13[String(v)],
      })),
      ...(smoke ? [] : [0.3, 0.5, 0.7, 0.9]).map((v) => ({
        parameter: 'lambdaH',
        value: v,
        none: { variant: 'confidence-gap', lambdaH: v },
        paper: TABLE_14.lambdaH[v],
      })),
      ...(smoke ? [] : [0.1, 0.3, 0.5, 0.7]).map((v) => ({
        parameter: 'lambdaL',
        value: v,
        none: { variant: 'confidence-gap', lambdaL: v },
        paper: TABLE_14.lambdaL[v],
      })),
    ];
    return grid.flatMap(({ parameter, value, none, paper }) =>
      overSeeds(scale, seeds, (seed) =>
        experimentRun(
          scale,
          `${parameter}/${value}`,
          { parameter, value },
          { seed, none: none as never },
          paper
            ? { source: 'Tables 13/14, CIFAR-10 / ResNet18', ba: paper[0], asr: paper[1] }
            : undefined,
        ),
      ),
    );
  },
};

/** Tables 2 and 18: REASR of reverse-engineered triggers before and after NONE, on clean data. */
export const naturalSuite: SuiteDefinition = {
  name: 'natural',
  title: 'Natural trojans',
  reproduces: 'Table 2 (and the NONE column of Table 18)',
  description:
    'No trigger is injected. A Neural-Cleanse-style reverse-engineering optimises a mask and pattern per target label with the mask limited to a budget (2%..12% of the image); REASR is the best ASR such a trigger reaches on held-out images, averaged over the budgets, before and after NONE.',
  scaleNote: (scale) =>
    `${PRESETS[scale].note}. The paper ran this on CIFAR-10 (NiN, VGG16) and TrojAI; the scan uses ${scale === 'smoke' ? '2 budgets, 20 steps' : '6 budgets, 150 steps'} on ${scale === 'smoke' ? 100 : 500} test images.`,
  runs: (scale, seeds) => {
    const reference = Object.values(TABLE_2).slice(0, 2);
    const mean = (k: 'undefended' | 'NONE', i: 0 | 1) =>
      reference.reduce((s, r) => s + r[k]![i], 0) / reference.length;
    return overSeeds(scale, seeds, (seed) => ({
      ...experimentRun(
        scale,
        'small-cnn',
        { network: 'small CNN' },
        { seed, attack: null },
        {
          source: 'Table 2, CIFAR-10 mean of NiN/VGG16',
          undefendedBa: mean('undefended', 0),
          undefendedAsr: mean('undefended', 1),
          ba: mean('NONE', 0),
          asr: mean('NONE', 1),
        },
      ),
      kind: 'natural',
      scan:
        scale === 'smoke'
          ? { budgets: [0.02, 0.08], steps: 20, images: 100 }
          : { budgets: [0.02, 0.04, 0.06, 0.08, 0.1, 0.12], steps: 150, images: 500 },
    }));
  },
};

/** Table 15: wall time of plain training, NONE and the baselines (same epochs and batch). */
export const efficiencySuite: SuiteDefinition = {
  name: 'efficiency',
  title: 'Efficiency',
  reproduces: 'Table 15',
  description:
    "Every run trains plainly and with one defense on the same machine, one run at a time (`--parallel 1` is forced: concurrent runs would distort the times); overhead = defended time / plain time. NONE's time includes probing, detection and its retrain on the purified data.",
  scaleNote: (scale) =>
    `${PRESETS[scale].note}. The paper ran CIFAR-10 / ResNet18 for 100 epochs on a GPU.`,
  runs: (scale, seeds) => {
    const defenses =
      scale === 'smoke'
        ? ['NONE', 'abl']
        : ['NONE', 'activation-clustering', 'abl', 'dbd', 'nad', 'dp-sgd'];
    return defenses.flatMap((defense) =>
      overSeeds(scale, seeds, (seed) => {
        const paper = TABLE_15[defense];
        return experimentRun(
          scale,
          defense,
          { defense },
          { seed, attack: BADNETS, defense: defense as never },
          paper?.overhead
            ? { source: 'Table 15, CIFAR-10 / ResNet18 (GPU)', overhead: paper.overhead }
            : undefined,
        );
      }),
    );
  },
};

/** Table 8: precision and recall of NONE's poisoned-sample identification. */
export const precisionRecallSuite: SuiteDefinition = {
  name: 'precision-recall',
  title: 'Precision and recall of the poisoned-sample identification',
  reproduces: 'Table 8 (BadNets row)',
  description:
    "Of the training samples NONE removes, the share that were poisoned (precision) and the share of poisoned samples it removes (recall), for each NONE variant: `consensus` (ours, the default), `confidence-gap` (the authors' released code) and `paper` (Algorithm 1 as written).",
  scaleNote: (scale) =>
    `${PRESETS[scale].note}. The paper ran this on CIFAR-10 (NiN, VGG16, ResNet18).`,
  runs: (scale: Scale, seeds?: readonly number[]): RunSpec[] => {
    const variants = scale === 'smoke' ? ['consensus'] : ['consensus', 'confidence-gap', 'paper'];
    const rows = Object.values(TABLE_8);
    const precision = rows.reduce((s, r) => s + r[0], 0) / rows.length;
    const recall = rows.reduce((s, r) => s + r[1], 0) / rows.length;
    return variants.flatMap((variant) =>
      overSeeds(scale, seeds, (seed) =>
        experimentRun(
          scale,
          variant,
          { variant },
          { seed, none: { variant: variant as never } },
          {
            source: 'Table 8, CIFAR-10 mean of NiN/VGG16/ResNet18',
            precision,
            recall,
          },
        ),
      ),
    );
  },
};
