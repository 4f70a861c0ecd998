import { createRandom } from '@none/stats';
import { describe, expect, it } from 'vitest';
import { detectConfidenceGap } from './detect-confidence-gap';
import { detectConsensus } from './detect-consensus';
import { detectPaper } from './detect-paper';
import type { NoneActivations } from './types';

/**
 * n samples, `classes` classes (sample i is confidently predicted i % classes, except the
 * planted ones, predicted 0), layers of `width` neurons with N(0, 1) values. The planted
 * samples get the value `plantedValue` on neuron `plantedNeuron` of every layer.
 */
function plantedActivations(options: {
  n: number;
  classes: number;
  width: number;
  layers: number;
  planted: number[];
  plantedNeuron: number;
  plantedValue: number;
  seed: number;
  nonNegative?: boolean;
}): NoneActivations {
  const random = createRandom(options.seed);
  const planted = new Set(options.planted);
  const probabilities = new Float32Array(options.n * options.classes);
  for (let i = 0; i < options.n; i++) {
    const k = planted.has(i) ? 0 : i % options.classes;
    for (let c = 0; c < options.classes; c++)
      probabilities[i * options.classes + c] = c === k ? 0.95 : 0.05 / (options.classes - 1);
  }
  const layers = Array.from({ length: options.layers }, (_, l) => {
    const values = new Float32Array(options.n * options.width);
    for (let i = 0; i < options.n; i++) {
      for (let j = 0; j < options.width; j++) {
        let v = random.normal();
        if (options.nonNegative && j === options.plantedNeuron) v = Math.abs(v) * 0.1 + 0.5;
        if (planted.has(i) && j === options.plantedNeuron)
          v = options.plantedValue + 0.01 * random.normal();
        values[i * options.width + j] = v;
      }
    }
    return { layer: `layer${l}`, neurons: options.width, values };
  });
  return { n: options.n, layers, probabilities, numClasses: options.classes };
}

describe('detectPaper', () => {
  it('flags the samples far above the benign cluster of a linear neuron and resets that neuron', () => {
    const planted = [3, 17, 40, 41, 77, 120, 150, 151, 199, 260];
    const activations = plantedActivations({
      n: 300,
      classes: 3,
      width: 34,
      layers: 1,
      planted,
      plantedNeuron: 5,
      plantedValue: 6,
      seed: 1,
      nonNegative: true,
    });
    // Neuron 5 is the only one with P(A >= 0) >= 0.95 (the others are N(0,1)); 3% of 34 -> 2.
    const detection = detectPaper(activations, { theta: 0.95, resetFraction: 0.03, lambda: 3 });
    expect(detection.resetNeurons.layer0).toEqual([5]);
    expect(Array.from(detection.flagged)).toEqual(planted);
  });
});

describe('detectConfidenceGap (the released algorithm)', () => {
  it('matches a hand computation on a tiny case', () => {
    // 4 samples, 2 classes, one layer of 2 neurons.
    // P: s0 class 0 strong, s1 class 0 strong, s2 class 1 strong, s3 class 1 strong.
    const probabilities = new Float32Array([0.95, 0.05, 0.92, 0.08, 0.05, 0.95, 0.02, 0.98]);
    // neuron 0 values [10, 0, 1, 1]; neuron 1 values [1, 1, 1, 5]
    const values = new Float32Array([10, 1, 0, 1, 1, 1, 1, 5]);
    // neuron 0: k=0: max(10, 0) - (mean(1,1) + 3*0) = 9; k=1: max(1,1) - (mean(10,0) + 3*5) = -19 -> 9
    // neuron 1: k=0: max(1,1) - (mean(1,5) + 3*2) = -8; k=1: max(1,5) - (1 + 0) = 4 -> 4
    const detection = detectConfidenceGap(
      { n: 4, numClasses: 2, probabilities, layers: [{ layer: 'l', neurons: 2, values }] },
      { resetFraction: 0.5 },
    );
    expect(detection.resetNeurons.l).toEqual([0]);
    // Sample score = neuron 0's values [10, 0, 1, 1]; 2-class Jenks break = 1 (classes
    // [0, 1, 1] and [10]); the code removes S >= break: samples 0, 2, 3.
    expect(Array.from(detection.flagged)).toEqual([0, 2, 3]);
  });
});

describe('detectConsensus', () => {
  it('finds a sub-population of one class that every layer singles out, and nothing else', () => {
    const planted = Array.from({ length: 30 }, (_, t) => 600 + t);
    const activations = plantedActivations({
      n: 630,
      classes: 3,
      width: 16,
      layers: 3,
      planted,
      plantedNeuron: 7,
      plantedValue: 8,
      seed: 2,
    });
    const detection = detectConsensus(activations);
    expect(Array.from(detection.flagged)).toEqual(planted);
    for (const layer of ['layer0', 'layer1', 'layer2'])
      expect(detection.resetNeurons[layer]).toContain(7);
    const classes = detection.details.classes as Array<{ class: number; backdoored: boolean }>;
    expect(classes.map((c) => c.backdoored)).toEqual([true, false, false]);
  });

  it('flags and resets nothing on clean activations', () => {
    const activations = plantedActivations({
      n: 600,
      classes: 3,
      width: 16,
      layers: 3,
      planted: [],
      plantedNeuron: 0,
      plantedValue: 0,
      seed: 3,
    });
    const detection = detectConsensus(activations);
    expect(detection.flagged.length).toBe(0);
    expect(Object.values(detection.resetNeurons).flat()).toEqual([]);
  });

  it('with candidatesPerLayer, looks past a stronger per-layer decoy to the cluster the layers share', () => {
    const planted = Array.from({ length: 30 }, (_, t) => 600 + t);
    const activations = plantedActivations({
      n: 630,
      classes: 3,
      width: 20,
      layers: 3,
      planted,
      plantedNeuron: 4,
      plantedValue: 6,
      seed: 5,
    });
    // In every layer a decoy neuron separates a different random group of 30 class-0 samples
    // even better than the planted neuron does.
    const random = createRandom(11);
    const classZero = Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 3 === 0);
    activations.layers.forEach((layer) => {
      const decoys = new Set<number>();
      while (decoys.size < 30) decoys.add(classZero[Math.floor(random.next() * classZero.length)]!);
      for (let i = 0; i < 630; i++) {
        layer.values[i * layer.neurons + 9] = decoys.has(i)
          ? 20 + 0.01 * random.normal()
          : random.normal();
      }
    });
    const best = detectConsensus(activations);
    expect(best.flagged.length).toBe(0);
    const searched = detectConsensus(activations, { candidatesPerLayer: 3 });
    expect(Array.from(searched.flagged)).toEqual(planted);
    for (const layer of activations.layers) expect(searched.resetNeurons[layer.layer]).toContain(4);
  });
});
