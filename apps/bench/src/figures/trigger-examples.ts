import {
  ATTACK_TYPES,
  type AttackConfig,
  type AttackType,
  renderTriggerExamples,
} from '@none/attacks';
import { type ImageDataset, loadEmbeddedMnist } from '@none/data';
import { BenchError } from '../errors';
import { imageGridChart } from '../plot/image-grid-chart';
import { renderChart, type VegaLiteSpec } from '../plot/render';
import type { FigureResult } from './types';

/** Display names of the attacks of `@none/attacks` (panel headers). */
export const ATTACK_DISPLAY_NAMES: Readonly<Record<AttackType, string>> = {
  badnets: 'BadNets patch',
  pixel: 'BadNets pixel',
  'dynamic-patch': 'dynamic patch',
  blend: 'Blend',
  watermark: 'watermark',
  sig: 'SIG',
  wanet: 'WaNet',
  filter: 'Filter',
};

/** Options of {@link triggerExamplesData} and {@link renderTriggerExamplesFigure}. */
export interface TriggerExamplesFigureOptions {
  /** Images to draw from. @default the embedded MNIST test set (`loadEmbeddedMnist().test`) */
  dataset?: ImageDataset;
  /** Which sample. @default the first sample whose label is `label` */
  index?: number;
  /** Label of the default sample. @default 7 */
  label?: number;
  /** Attacks to show, in order. @default every type of `ATTACK_TYPES` with its defaults */
  attacks?: readonly AttackConfig[];
  /** Seed of per-sample randomness (the dynamic patch's position). @default 0 */
  seed?: number;
  /** Panels per row. @default 5 */
  columns?: number;
  /** Screen pixels per image pixel. @default 4 */
  pixelSize?: number;
}

/** One panel of the trigger-example figure. */
export interface TriggerExamplePanel {
  /** Panel header. */
  title: string;
  /** `'clean'` for the untouched sample, else the attack's type. */
  attack: AttackType | 'clean';
  height: number;
  width: number;
  channels: number;
  /** HWC values in [0, 1]: the image drawn. */
  pixels: Float32Array;
  /** `|triggered - clean|` per value (all zeros for the clean panel). */
  difference: Float32Array;
}

/** The data of the trigger-example figure (paper Fig. 3). */
export interface TriggerExamplesFigureData {
  /** Index of the sample in the dataset. */
  index: number;
  /** Its label. */
  label: number;
  /** The clean panel first, then one per attack in the given order. */
  panels: TriggerExamplePanel[];
}

/**
 * One clean sample and the same sample under every attack (the material of the paper's
 * Fig. 3), computed with `renderTriggerExamples` of `@none/attacks`.
 *
 * @throws {BenchError} `E_INVALID_ARGUMENT` when no sample has the requested label or the index is out of range
 */
export function triggerExamplesData(
  options: TriggerExamplesFigureOptions = {},
): TriggerExamplesFigureData {
  const dataset = options.dataset ?? loadEmbeddedMnist().test;
  const attacks = options.attacks ?? ATTACK_TYPES.map((type) => ({ type }) as AttackConfig);
  const { seed = 0, label = 7 } = options;
  if (attacks.length === 0)
    throw new BenchError('E_INVALID_ARGUMENT', 'triggerExamplesData: attacks must not be empty');
  const n = dataset.shape[0];
  let index = options.index;
  if (index === undefined) {
    index = dataset.labels.indexOf(label);
    if (index < 0) {
      throw new BenchError(
        'E_INVALID_ARGUMENT',
        `triggerExamplesData: no sample has label ${label} (labels are 0..${dataset.numClasses - 1})`,
      );
    }
  } else if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `triggerExamplesData: index must be an integer in [0, ${n - 1}], got ${index}`,
    );
  }
  const panels: TriggerExamplePanel[] = [];
  const used = new Map<string, number>();
  const unique = (title: string): string => {
    const count = (used.get(title) ?? 0) + 1;
    used.set(title, count);
    return count === 1 ? title : `${title} (${count})`;
  };
  for (const attack of attacks) {
    const [example] = renderTriggerExamples(dataset, attack, { indices: [index], seed });
    if (example === undefined)
      throw new BenchError('E_INVALID_ARGUMENT', 'triggerExamplesData: no example rendered');
    if (panels.length === 0) {
      panels.push({
        title: unique(`clean (label ${example.label})`),
        attack: 'clean',
        height: example.height,
        width: example.width,
        channels: example.channels,
        pixels: example.clean,
        difference: new Float32Array(example.clean.length),
      });
    }
    panels.push({
      title: unique(ATTACK_DISPLAY_NAMES[attack.type]),
      attack: attack.type,
      height: example.height,
      width: example.width,
      channels: example.channels,
      pixels: example.triggered,
      difference: example.difference,
    });
  }
  return { index, label: dataset.labels[index]!, panels };
}

/** The Vega-Lite spec of the trigger-example figure. */
export function triggerExamplesSpec(
  data: TriggerExamplesFigureData,
  options: Pick<TriggerExamplesFigureOptions, 'columns' | 'pixelSize'> = {},
): VegaLiteSpec {
  return imageGridChart({
    title: 'Trigger examples (paper Fig. 3)',
    subtitle: `sample ${data.index} of the test set, every attack with its default settings`,
    panels: data.panels,
    columns: options.columns ?? 5,
    pixelSize: options.pixelSize ?? 4,
  });
}

/**
 * Writes `<outBase>.svg` and `<outBase>.png`: a clean digit and the same digit under every
 * attack of `@none/attacks` (paper Fig. 3).
 *
 * @example
 * ```ts
 * const { pngPath, data } = await renderTriggerExamplesFigure('figures/trigger-examples');
 * data.panels.map((p) => p.title); // ['clean (label 7)', 'BadNets patch', ...]
 * ```
 */
export async function renderTriggerExamplesFigure(
  outBase: string,
  options: TriggerExamplesFigureOptions = {},
): Promise<FigureResult<TriggerExamplesFigureData>> {
  const data = triggerExamplesData(options);
  const paths = await renderChart(triggerExamplesSpec(data, options), outBase);
  return { ...paths, data };
}
