import { attackTestSet } from '@none/attacks';
import { subsetDataset } from '@none/data';
import { createActivationProbe } from '@none/probe';
import { createRandom } from '@none/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../plot/render';
import {
  type ActivationHistogramsFigureData,
  activationHistogramsData,
  activationHistogramsSpec,
  type TrainedHistogramModels,
  trainActivationHistogramModels,
} from './activation-histograms';

function meanOf(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

describe('activationHistogramsData', () => {
  let trained: TrainedHistogramModels;
  let data: ActivationHistogramsFigureData;
  beforeAll(async () => {
    trained = await trainActivationHistogramModels({ seed: 0, scale: 'smoke' });
    data = await activationHistogramsData({ ...trained, maxSamples: 300 });
  });
  afterAll(() => trained?.dispose());

  it('learns the backdoor in the trojaned model only', () => {
    // Observed (seed 0, smoke, 300 samples): trojaned BA 0.84 / ASR 0.99, benign BA 0.83 / ASR 0.
    expect(data.rates.trojaned.asr).toBeGreaterThan(0.8);
    expect(data.rates.benign!.asr).toBeLessThan(0.3);
    expect(data.rates.trojaned.ba).toBeGreaterThan(0.5);
  });

  it("shows a selected neuron whose triggered mean exceeds its benign mean, by the trojaned model's largest shift", () => {
    const { trojaned, benign } = data.selected;
    expect(trojaned.model).toBe('trojaned');
    expect(trojaned.benignValues).toHaveLength(data.samples);
    expect(trojaned.triggeredValues).toHaveLength(data.samples);
    // Means recomputed from the plotted values (float32 sums: a loose tolerance).
    expect(meanOf(trojaned.benignValues)).toBeCloseTo(trojaned.benignMean, 3);
    expect(meanOf(trojaned.triggeredValues)).toBeCloseTo(trojaned.triggeredMean, 3);
    expect(trojaned.triggeredMean).toBeGreaterThan(trojaned.benignMean);
    expect(trojaned.shift).toBeCloseTo(trojaned.triggeredMean - trojaned.benignMean, 6);
    // Observed (seed 0): trojaned fc1 shift 8.3, benign at most 2.3.
    expect(trojaned.shift).toBeGreaterThan(benign!.shift);
  });

  it('picks, per layer, the neuron with the largest mean shift (checked against a fresh probe)', async () => {
    const { dataset: triggeredAll, sourceIndices } = attackTestSet(trained.test, trained.attack);
    const chosen = createRandom(0)
      .sample(sourceIndices.length, data.samples)
      .sort((a, b) => a - b);
    const triggered = subsetDataset(triggeredAll, chosen);
    const clean = subsetDataset(
      trained.test,
      Array.from(chosen, (k) => sourceIndices[k]!),
    );
    const probe = createActivationProbe(trained.trojaned.model, {
      neurons: trained.trojaned.metadata.neurons,
    });
    const [a, b] = [await probe.collect(clean), await probe.collect(triggered)];
    probe.dispose();
    const panels = data.panels.filter((p) => p.model === 'trojaned');
    expect(panels.map((p) => p.layer)).toEqual(a.layers.map((l) => l.layer));
    a.layers.forEach((layer, l) => {
      const shifts = Array.from({ length: layer.neurons }, (_, j) => {
        let difference = 0;
        for (let i = 0; i < a.n; i++) {
          difference +=
            b.layers[l]!.values[i * layer.neurons + j]! - layer.values[i * layer.neurons + j]!;
        }
        return difference / a.n;
      });
      const best = shifts.indexOf(Math.max(...shifts));
      expect(panels[l]!.neuron).toBe(best);
      expect(panels[l]!.shift).toBeCloseTo(shifts[best]!, 3);
    });
  });

  it('plots density histograms that integrate to 1 per group', () => {
    for (const panel of data.panels) {
      for (const group of ['benign inputs', 'triggered inputs']) {
        const bins = panel.bins.filter((bin) => bin.group === group);
        expect(bins).toHaveLength(30);
        const area = bins.reduce((sum, bin) => sum + bin.value * (bin.end - bin.start), 0);
        expect(area).toBeCloseTo(1, 5);
      }
    }
  });

  it('renders one panel per model and layer', async () => {
    const svg = await renderSvg(activationHistogramsSpec(data));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Pre-activation values of the most trigger-sensitive neuron');
    for (const panel of data.panels) expect(svg).toContain(panel.facet);
  });
});
