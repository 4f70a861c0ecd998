import { join, relative, sep } from 'node:path';
import { BenchError } from '../errors';
import {
  type ActivationHistogramsFigureData,
  type ActivationHistogramsInput,
  renderActivationHistogramsFigure,
  trainActivationHistogramModels,
} from './activation-histograms';
import {
  type DecisionRegionsFigureData,
  type DecisionRegionsOptions,
  renderDecisionRegionsFigure,
} from './decision-regions';
import { renderTriggerExamplesFigure, type TriggerExamplesFigureData } from './trigger-examples';
import { FIGURE_SCALES, type FigureProgress, type FigureScale } from './types';

export {
  type ActivationHistogramsFigureData,
  type ActivationHistogramsInput,
  activationHistogramsData,
  activationHistogramsSpec,
  type ModelRates,
  type NeuronHistogram,
  type ProbedModel,
  renderActivationHistogramsFigure,
  type TrainActivationHistogramModelsOptions,
  type TrainedHistogramModels,
  trainActivationHistogramModels,
} from './activation-histograms';
export {
  type DecisionRegionPanel,
  type DecisionRegionsFigureData,
  type DecisionRegionsOptions,
  decisionRegionsData,
  decisionRegionsSpec,
  type PoisonBlobsOptions,
  type PoisonedBlobs,
  poisonBlobs,
  type RegionBounds,
  type RegionOptimizer,
  renderDecisionRegionsFigure,
} from './decision-regions';
export {
  ATTACK_DISPLAY_NAMES,
  renderTriggerExamplesFigure,
  type TriggerExamplePanel,
  type TriggerExamplesFigureData,
  type TriggerExamplesFigureOptions,
  triggerExamplesData,
  triggerExamplesSpec,
} from './trigger-examples';
export { FIGURE_SCALES, type FigureProgress, type FigureResult, type FigureScale } from './types';

/** Options of {@link renderAllFigures}. */
export interface RenderAllFiguresOptions {
  /** Size of the trained models: `'smoke'` (seconds), `'cpu'` (minutes), `'full'` (GPU). */
  scale: FigureScale;
  /** Seed of every random choice (subsets, poisoning, initialisation, training). */
  seed: number;
  /**
   * Trained models for the activation histograms (e.g. a suite's undefended and clean
   * models). Without them, a small CNN pair is trained on the embedded MNIST.
   */
  activationHistograms?: ActivationHistogramsInput;
  /** Overrides of the decision-region figure's settings. */
  decisionRegions?: Omit<Partial<DecisionRegionsOptions>, 'seed' | 'scale' | 'onProgress'>;
  /** Folder the Markdown's image paths are relative to. @default outDir */
  markdownBase?: string;
  onProgress?: FigureProgress;
}

/** One written figure. */
export interface WrittenFigure {
  /** File base name: `trigger-examples`, `activation-histograms`, `decision-regions`. */
  id: string;
  /** Caption used in the Markdown. */
  title: string;
  svgPath: string;
  pngPath: string;
}

/** Result of {@link renderAllFigures}: the files, the plotted data and a Markdown section. */
export interface RenderAllFiguresResult {
  figures: WrittenFigure[];
  /** A `## Figures` section embedding the PNGs (relative paths) with one caption each. */
  markdown: string;
  data: {
    triggerExamples: TriggerExamplesFigureData;
    activationHistograms: ActivationHistogramsFigureData;
    decisionRegions: DecisionRegionsFigureData;
  };
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

function markdownPath(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/**
 * Regenerates the paper's figures into `outDir`: trigger examples (Fig. 3), activation
 * histograms (Figs. 2, 5, 6) and decision regions (Figs. 4, 7), each as SVG and PNG, and
 * returns their paths, the plotted data and a Markdown section for a report.
 *
 * @example
 * ```ts
 * const { markdown } = await renderAllFigures('report/figures', { scale: 'smoke', seed: 0 });
 * ```
 */
export async function renderAllFigures(
  outDir: string,
  options: RenderAllFiguresOptions,
): Promise<RenderAllFiguresResult> {
  const { scale, seed, onProgress } = options;
  if (!FIGURE_SCALES.includes(scale)) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `renderAllFigures: scale must be one of ${FIGURE_SCALES.join(', ')}, got ${String(scale)}`,
    );
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `renderAllFigures: seed must be a non-negative safe integer, got ${seed}`,
    );
  }
  const markdownBase = options.markdownBase ?? outDir;

  onProgress?.('figures: trigger examples');
  const trigger = await renderTriggerExamplesFigure(join(outDir, 'trigger-examples'), { seed });

  onProgress?.('figures: activation histograms');
  let histograms: Awaited<ReturnType<typeof renderActivationHistogramsFigure>>;
  if (options.activationHistograms) {
    histograms = await renderActivationHistogramsFigure(join(outDir, 'activation-histograms'), {
      seed,
      ...options.activationHistograms,
    });
  } else {
    const trained = await trainActivationHistogramModels({ seed, scale, onProgress });
    try {
      histograms = await renderActivationHistogramsFigure(
        join(outDir, 'activation-histograms'),
        trained,
      );
    } finally {
      trained.dispose();
    }
  }

  onProgress?.('figures: decision regions');
  const regions = await renderDecisionRegionsFigure(join(outDir, 'decision-regions'), {
    ...options.decisionRegions,
    seed,
    scale,
    ...(onProgress ? { onProgress } : {}),
  });

  const selected = histograms.data.selected;
  const benign = selected.benign;
  const sgd = regions.data.panels.filter((p) => p.optimizer === 'sgd');
  const dp = regions.data.panels.filter((p) => p.optimizer === 'dp-sgd');
  const figures: (WrittenFigure & { caption: string })[] = [
    {
      id: 'trigger-examples',
      title: 'Trigger examples (paper Fig. 3)',
      svgPath: trigger.svgPath,
      pngPath: trigger.pngPath,
      caption: `One embedded-MNIST test digit, clean and under each of the ${trigger.data.panels.length - 1} attacks of @none/attacks (default settings).`,
    },
    {
      id: 'activation-histograms',
      title: 'Activation histograms (paper Figs. 2, 5, 6)',
      svgPath: histograms.svgPath,
      pngPath: histograms.pngPath,
      caption:
        `Pre-activation values of the most trigger-sensitive neuron per layer on ${histograms.data.samples} test inputs without and with the trigger. ` +
        `Trojaned model: ${selected.trojaned.layer} #${selected.trojaned.neuron} shifts by ${selected.trojaned.shift.toFixed(2)}` +
        (benign
          ? `; benign model: at most ${benign.shift.toFixed(2)} (${benign.layer} #${benign.neuron}).`
          : '.'),
    },
    {
      id: 'decision-regions',
      title: 'Decision regions (paper Figs. 4, 7)',
      svgPath: regions.svgPath,
      pngPath: regions.pngPath,
      caption:
        `5 x 100 ReLU MLP on five 2-D blobs, trigger y = ${regions.data.triggerY}, target ${regions.data.target}. ` +
        `SGD ASR by rate: ${sgd.map((p) => `${percent(p.rate)} → ${percent(p.asr)}`).join(', ')}` +
        (dp.length > 0
          ? `; DP-SGD: ${dp.map((p) => `${percent(p.rate)} → ASR ${percent(p.asr)}, BA ${percent(p.ba)}`).join(', ')}.`
          : '.'),
    },
  ];
  const markdown = [
    '## Figures',
    '',
    `Regenerated at scale \`${scale}\` with seed ${seed} (SVG next to each PNG).`,
    '',
    ...figures.flatMap((f) => [
      `### ${f.title}`,
      '',
      `![${f.title}](${markdownPath(markdownBase, f.pngPath)})`,
      '',
      f.caption,
      '',
    ]),
  ].join('\n');
  return {
    figures: figures.map(({ caption: _, ...figure }) => figure),
    markdown,
    data: {
      triggerExamples: trigger.data,
      activationHistograms: histograms.data,
      decisionRegions: regions.data,
    },
  };
}
