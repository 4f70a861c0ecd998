import {
  type AttackConfig,
  attackTestSet,
  poisonDataset,
  resolveAttackConfig,
} from '@none/attacks';
import { type ImageDataset, loadEmbeddedMnist, subsetDataset } from '@none/data';
import { type BuiltModel, buildModel, type NeuronLayer } from '@none/models';
import { createActivationProbe } from '@none/probe';
import { createRandom, histogramBins } from '@none/stats';
import { createOptimizer, trainEpochs } from '@none/trainer';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BenchError } from '../errors';
import { type HistogramBin, histogramOverlayChart } from '../plot/histogram-overlay-chart';
import { renderChart, type VegaLiteSpec } from '../plot/render';
import { FIGURE_SCALES, type FigureProgress, type FigureResult, type FigureScale } from './types';

/** A trained model to probe, with its neuron metadata when known (`BuiltModel` fits). */
export interface ProbedModel {
  model: tfl.LayersModel;
  /** `BuiltModel.metadata`: its `neurons` name the pre-activation layers. */
  metadata?: { neurons: readonly NeuronLayer[] };
}

/** Input of {@link activationHistogramsData}: trained models, the test set and the attack. */
export interface ActivationHistogramsInput {
  /** The model trained on poisoned data. */
  trojaned: ProbedModel;
  /** A model of the same architecture trained on clean data (optional second row). */
  benign?: ProbedModel;
  /** Clean test images (NHWC). */
  test: ImageDataset;
  /** The attack the trojaned model was trained with: its trigger makes the triggered inputs. */
  attack: AttackConfig;
  /** Layers to search for the neuron (names of neuron layers). @default every probe-able layer */
  layers?: readonly string[];
  /** Test samples probed (a seeded subset of those the attack can trigger). @default 1000 */
  maxSamples?: number;
  /** Seed of the subset. @default 0 */
  seed?: number;
  /** Bins per histogram. @default 30 */
  bins?: number;
}

/** One histogram panel: one neuron of one model on benign vs triggered inputs. */
export interface NeuronHistogram {
  /** `'trojaned'` or `'benign'`. */
  model: 'trojaned' | 'benign';
  /** The neuron layer (conv/dense layer name). */
  layer: string;
  /** Index of the neuron (channel or unit) in the layer. */
  neuron: number;
  /** Panel header. */
  facet: string;
  /** Mean pre-activation on the benign inputs. */
  benignMean: number;
  /** Mean pre-activation on the same inputs with the trigger. */
  triggeredMean: number;
  /** `triggeredMean - benignMean`: the neuron is the layer's largest. */
  shift: number;
  /** Per-sample pre-activation values (max over space for a conv channel). */
  benignValues: Float32Array;
  triggeredValues: Float32Array;
  /** The plotted bins (density), both groups over one common range. */
  bins: HistogramBin[];
}

/** Accuracy on the probed clean samples and attack success on their triggered copies. */
export interface ModelRates {
  ba: number;
  asr: number;
}

/** The data of the activation-histogram figure (paper Figs. 2, 5, 6). */
export interface ActivationHistogramsFigureData {
  /** Samples probed per group. */
  samples: number;
  /** One panel per (model, layer): the layer's neuron with the largest mean shift. */
  panels: NeuronHistogram[];
  /** The neuron with the largest shift over all layers, per model. */
  selected: { trojaned: NeuronHistogram; benign?: NeuronHistogram };
  rates: { trojaned: ModelRates; benign?: ModelRates };
}

function mean(values: Float32Array, stride: number, offset: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i * stride + offset]!;
  return sum / n;
}

function column(values: Float32Array, stride: number, offset: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * stride + offset]!;
  return out;
}

function argmaxAgreement(probabilities: Float32Array, k: number, labels: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++)
      if (probabilities[i * k + j]! > probabilities[i * k + best]!) best = j;
    if (best === labels[i]) hits += 1;
  }
  return labels.length > 0 ? hits / labels.length : 0;
}

async function probeModel(
  which: 'trojaned' | 'benign',
  probed: ProbedModel,
  clean: ImageDataset,
  triggered: ImageDataset,
  layers: readonly string[] | undefined,
  bins: number,
): Promise<{ panels: NeuronHistogram[]; rates: ModelRates }> {
  const probe = createActivationProbe(probed.model, {
    point: 'pre',
    ...(layers ? { layers } : {}),
    ...(probed.metadata ? { neurons: probed.metadata.neurons } : {}),
  });
  try {
    const onClean = await probe.collect(clean);
    const onTriggered = await probe.collect(triggered);
    const n = onClean.n;
    const panels = onClean.layers.map((layer, l) => {
      const other = onTriggered.layers[l]!;
      let best = 0;
      let bestShift = Number.NEGATIVE_INFINITY;
      const means: [number, number][] = [];
      for (let j = 0; j < layer.neurons; j++) {
        const benignMean = mean(layer.values, layer.neurons, j, n);
        const triggeredMean = mean(other.values, layer.neurons, j, n);
        means.push([benignMean, triggeredMean]);
        if (triggeredMean - benignMean > bestShift) {
          bestShift = triggeredMean - benignMean;
          best = j;
        }
      }
      const benignValues = column(layer.values, layer.neurons, best, n);
      const triggeredValues = column(other.values, layer.neurons, best, n);
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (const values of [benignValues, triggeredValues]) {
        for (const v of values) {
          if (v < low) low = v;
          if (v > high) high = v;
        }
      }
      const facet = `${which} model: ${layer.layer} #${best}`;
      const binsOf = (values: Float32Array, group: string) =>
        histogramBins(values, { bins, extent: [low, high] }).map((b) => ({ ...b, group, facet }));
      const [benignMean, triggeredMean] = means[best]!;
      return {
        model: which,
        layer: layer.layer,
        neuron: best,
        facet,
        benignMean,
        triggeredMean,
        shift: bestShift,
        benignValues,
        triggeredValues,
        bins: [
          ...binsOf(triggeredValues, 'triggered inputs'),
          ...binsOf(benignValues, 'benign inputs'),
        ],
      } satisfies NeuronHistogram;
    });
    const k = onClean.numClasses;
    return {
      panels,
      rates: {
        ba: argmaxAgreement(onClean.probabilities, k, clean.labels),
        asr: argmaxAgreement(onTriggered.probabilities, k, triggered.labels),
      },
    };
  } finally {
    probe.dispose();
  }
}

function largestShift(panels: NeuronHistogram[]): NeuronHistogram {
  return panels.reduce((a, b) => (b.shift > a.shift ? b : a));
}

/**
 * Probes the pre-activation value (`W^T x + b`, max over space for a conv channel) of every
 * neuron of the trojaned (and the benign) model on benign test inputs and on the same inputs
 * with the trigger, and keeps, per layer, the neuron whose mean rises most under the trigger:
 * the paper's observation (§3.1, Figs. 2, 5, 6) is that trojaned neurons move to one linear
 * piece of the activation when the trigger is present, and benign models show no such shift.
 *
 * @throws {BenchError} `E_INVALID_ARGUMENT` for a bad `maxSamples` or `bins`, or when the attack triggers no test sample
 */
export async function activationHistogramsData(
  input: ActivationHistogramsInput,
): Promise<ActivationHistogramsFigureData> {
  const { test, attack, maxSamples = 1000, seed = 0, bins = 30 } = input;
  if (!Number.isInteger(maxSamples) || maxSamples < 1) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `activationHistogramsData: maxSamples must be a positive integer, got ${maxSamples}`,
    );
  }
  // attackTestSet keeps the samples the attack can flip (all-to-one: not already the target).
  const { dataset: allTriggered, sourceIndices } = attackTestSet(test, attack);
  const available = sourceIndices.length;
  if (available === 0) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      'activationHistogramsData: the attack triggers no test sample',
    );
  }
  const count = Math.min(maxSamples, available);
  const chosen = createRandom(seed)
    .sample(available, count)
    .sort((a, b) => a - b);
  const triggered = subsetDataset(allTriggered, chosen);
  const clean = subsetDataset(
    test,
    Array.from(chosen, (k) => sourceIndices[k]!),
  );
  const trojaned = await probeModel(
    'trojaned',
    input.trojaned,
    clean,
    triggered,
    input.layers,
    bins,
  );
  const benign = input.benign
    ? await probeModel('benign', input.benign, clean, triggered, input.layers, bins)
    : undefined;
  return {
    samples: count,
    panels: [...trojaned.panels, ...(benign?.panels ?? [])],
    selected: {
      trojaned: largestShift(trojaned.panels),
      ...(benign ? { benign: largestShift(benign.panels) } : {}),
    },
    rates: { trojaned: trojaned.rates, ...(benign ? { benign: benign.rates } : {}) },
  };
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

/** The Vega-Lite spec of the activation-histogram figure: one panel per (model, layer). */
export function activationHistogramsSpec(data: ActivationHistogramsFigureData): VegaLiteSpec {
  const layersPerModel = data.panels.filter((p) => p.model === 'trojaned').length;
  const { trojaned, benign } = data.rates;
  const rates = [
    `trojaned model BA ${percent(trojaned.ba)}, ASR ${percent(trojaned.asr)}`,
    ...(benign ? [`benign model BA ${percent(benign.ba)}, ASR ${percent(benign.asr)}`] : []),
  ].join('; ');
  return histogramOverlayChart({
    title:
      'Pre-activation values of the most trigger-sensitive neuron per layer (paper Figs. 2, 5, 6)',
    subtitle: `${data.samples} test inputs without and with the trigger (conv channels: max over space); ${rates}`,
    rows: data.panels.flatMap((p) => p.bins),
    xTitle: 'pre-activation W·x + b',
    columns: Math.max(1, layersPerModel),
    width: 240,
    height: 160,
  });
}

/**
 * Writes `<outBase>.svg` and `<outBase>.png` for already-trained models (the bench suites
 * pass theirs) and returns the plotted data.
 */
export async function renderActivationHistogramsFigure(
  outBase: string,
  input: ActivationHistogramsInput,
): Promise<FigureResult<ActivationHistogramsFigureData>> {
  const data = await activationHistogramsData(input);
  const paths = await renderChart(activationHistogramsSpec(data), outBase);
  return { ...paths, data };
}

/** Options of {@link trainActivationHistogramModels}. */
export interface TrainActivationHistogramModelsOptions {
  /** Seed of the subsets, the poisoning, the initialisation and the training. */
  seed: number;
  /**
   * `'smoke'`: 1,500 training digits, 2 epochs, half-width CNN; `'cpu'`: 8,000, 4 epochs, full
   * width; `'full'`: 8,000, 10 epochs, full width. @default 'smoke'
   */
  scale?: FigureScale;
  /** @default BadNets, 3x3 white patch bottom-right, target 0 */
  attack?: AttackConfig;
  /** Poisoning rate. @default 0.1 */
  rate?: number;
  onProgress?: FigureProgress;
}

/** Trained models and data ready for {@link activationHistogramsData}; dispose the models after use. */
export interface TrainedHistogramModels extends ActivationHistogramsInput {
  trojaned: BuiltModel;
  benign: BuiltModel;
  /** Frees both models. */
  dispose(): void;
}

const TRAINING_SCALES = {
  smoke: { train: 1500, test: 400, epochs: 2, width: 0.5 },
  cpu: { train: 8000, test: 2000, epochs: 4, width: 1 },
  full: { train: 8000, test: 2000, epochs: 10, width: 1 },
} as const;

/**
 * Trains the models of the activation-histogram figure on the embedded MNIST: a small CNN on
 * BadNets-poisoned digits (the trojaned model) and one on clean digits (the benign model),
 * same architecture, seed and schedule (Adam, lr 0.002, batch 32).
 */
export async function trainActivationHistogramModels(
  options: TrainActivationHistogramModelsOptions,
): Promise<TrainedHistogramModels> {
  const { seed, scale = 'smoke', rate = 0.1, onProgress } = options;
  const attack = options.attack ?? { type: 'badnets', target: 0 };
  resolveAttackConfig(attack);
  if (!FIGURE_SCALES.includes(scale)) {
    throw new BenchError(
      'E_INVALID_ARGUMENT',
      `trainActivationHistogramModels: scale must be one of ${FIGURE_SCALES.join(', ')}, got ${String(scale)}`,
    );
  }
  const sizes = TRAINING_SCALES[scale];
  const mnist = loadEmbeddedMnist();
  const random = createRandom(seed);
  const train = subsetDataset(
    mnist.train,
    random.sample(mnist.train.shape[0], Math.min(sizes.train, mnist.train.shape[0])),
  );
  const test = subsetDataset(
    mnist.test,
    random.sample(mnist.test.shape[0], Math.min(sizes.test, mnist.test.shape[0])),
  );
  const poisoned = poisonDataset(train, attack, { rate, seed }).dataset;
  const trainOne = async (which: string, dataset: ImageDataset): Promise<BuiltModel> => {
    const built = buildModel({
      architecture: 'small-cnn',
      inputShape: [28, 28, 1],
      numClasses: 10,
      width: sizes.width,
      seed,
    });
    const variables = built.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = createOptimizer(variables, { type: 'adam', learningRate: 0.002 });
    try {
      await trainEpochs(built.model, dataset, {
        epochs: sizes.epochs,
        batchSize: 32,
        optimizer,
        seed,
        onEpochEnd: (logs) =>
          onProgress?.(
            `activation histograms: ${which} model epoch ${logs.epoch + 1}/${sizes.epochs}, accuracy ${percent(logs.accuracy)}`,
          ),
      });
    } finally {
      optimizer.dispose();
    }
    return built;
  };
  const trojaned = await trainOne('trojaned', poisoned);
  const benign = await trainOne('benign', train);
  return {
    trojaned,
    benign,
    test,
    attack,
    seed,
    dispose() {
      trojaned.model.dispose();
      benign.model.dispose();
    },
  };
}
