import { poisonDataset, sha256Hex } from '@none/attacks';
import { parseExperimentConfig, toExperimentOptions } from '@none/config';
import { type DatasetSplit, loadDataset, subsetDataset } from '@none/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { moreAttacksSuite } from '../suites/robustness';
import { labelConsistentTrainingSet, parseLabelConsistentParams } from './label-consistent';

let data: DatasetSplit;
beforeAll(async () => {
  const full = await loadDataset({ type: 'embedded-mnist' });
  data = {
    train: subsetDataset(
      full.train,
      Int32Array.from({ length: 400 }, (_, i) => i * 17),
    ),
    test: subsetDataset(
      full.test,
      Int32Array.from({ length: 100 }, (_, i) => i * 11),
    ),
  };
});

const experiment = (attack: Record<string, unknown>) =>
  toExperimentOptions(
    parseExperimentConfig({
      seed: 3,
      dataset: { type: 'embedded-mnist' },
      attack,
      poisonRate: 0.04,
      model: { architecture: 'small-cnn', width: 0.5 },
      training: { epochs: 2, batchSize: 64 },
    }),
  );

describe('labelConsistentTrainingSet', () => {
  const params = parseLabelConsistentParams({ surrogateEpochs: 1, epsilon: 0.3, steps: 3 });

  it('poisons the clean-label samples poisonDataset would pick, keeps every label, and stays within epsilon', async () => {
    const options = experiment({ type: 'badnets', target: 0, cleanLabel: true });
    const result = await labelConsistentTrainingSet(options, params, data, 'test');
    const plain = poisonDataset(data.train, options.attack!.config, { rate: 0.04, seed: 3 });
    expect(Array.from(result.poisonedIndices)).toEqual(Array.from(plain.poisonedIndices));
    expect(result.poisonedIndices.length).toBe(16);
    expect(Array.from(result.dataset.labels)).toEqual(Array.from(data.train.labels));
    for (const i of result.poisonedIndices) expect(data.train.labels[i]).toBe(0);
    // Unpoisoned images are untouched; poisoned ones differ from the plain stamp by at most
    // epsilon (plus rounding) outside the 3x3 patch, which both stamp identically.
    const size = 28 * 28;
    const poisoned = new Set(result.poisonedIndices);
    const got = result.dataset.images;
    const stamped = plain.dataset.images;
    let perturbed = 0;
    for (let s = 0; s < data.train.shape[0]; s++) {
      for (let j = 0; j < size; j++) {
        const d = Math.abs(Number(got[s * size + j]) - Number(stamped[s * size + j]));
        if (!poisoned.has(s)) expect(d).toBe(0);
        else {
          expect(d).toBeLessThanOrEqual(Math.ceil(0.3 * 255 + 0.5));
          if (d > 0) perturbed++;
        }
      }
    }
    expect(perturbed).toBeGreaterThan(0);
    expect(result.manifest.adversarial.epsilon).toBe(0.3);
  });

  it('is deterministic in the config and params', async () => {
    const options = experiment({ type: 'badnets', target: 0, cleanLabel: true });
    const a = await labelConsistentTrainingSet(options, params, data, 'test');
    const b = await labelConsistentTrainingSet(options, params, data, 'test');
    expect(sha256Hex(b.dataset.images)).toBe(sha256Hex(a.dataset.images));
    const other = await labelConsistentTrainingSet(
      options,
      { ...params, epsilon: 0.1 },
      data,
      'test',
    );
    expect(sha256Hex(other.dataset.images)).not.toBe(sha256Hex(a.dataset.images));
  });

  it('needs a clean-label attack and valid params, and says which run is wrong', async () => {
    await expect(
      labelConsistentTrainingSet(experiment({ type: 'badnets', target: 0 }), params, data, 'x/y'),
    ).rejects.toThrow(/x\/y: a label-consistent run needs config.attack with cleanLabel: true/);
    expect(() => parseLabelConsistentParams({ epsilon: 2 }, 'more-attacks/lc')).toThrow(
      /more-attacks\/lc: invalid params:[\s\S]*epsilon/,
    );
    expect(() => parseLabelConsistentParams({ surrogate: 1 }, 'r')).toThrow(/surrogate/);
  });
});

describe('the more-attacks suite', () => {
  it('runs label-consistent as its own kind with a clean-label trigger, against every defense at cpu scale', () => {
    const runs = moreAttacksSuite.runs('cpu').filter((r) => r.labels.attack === 'label-consistent');
    expect(runs.map((r) => r.labels.defense)).toEqual(['NONE', 'nad', 'abl', 'dbd']);
    for (const run of runs) {
      expect(run.kind).toBe('label-consistent');
      expect(run.config.attack).toMatchObject({ type: 'badnets', cleanLabel: true, target: 0 });
      expect(parseLabelConsistentParams(run.params).epsilon).toBe(0.3);
    }
    expect(runs.find((r) => r.labels.defense === 'NONE')?.paper).toMatchObject({
      ba: 94.01,
      asr: 2.14,
      undefendedAsr: 83.42,
    });
  });
});
