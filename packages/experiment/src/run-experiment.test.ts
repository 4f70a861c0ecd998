import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poisonDataset } from '@none/attacks';
import { afterAll, describe, expect, it } from 'vitest';
import { smallMnistSlice } from './_test-data';
import type { ExperimentOptions } from './experiment-options';
import type { ExperimentEvent, ExperimentReport } from './experiment-report';
import { runExperiment } from './run-experiment';

const data = smallMnistSlice();

const options: ExperimentOptions = {
  seed: 4,
  dataset: { type: 'embedded-mnist' },
  attack: { config: { type: 'badnets', target: 0 }, rate: 0.1 },
  model: { architecture: 'mlp', width: 1 },
  training: { epochs: 4, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.002 } },
  defense: 'NONE',
  none: { variant: 'consensus', warmupEpochs: 3, rounds: 1, epochsPerRound: 1, retrain: true },
};

const directories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'none-experiment-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

/** The parts of a report that must not depend on interruptions (times may). */
function outcome(report: ExperimentReport) {
  const { undefended, defended } = report;
  return {
    undefended: { ba: undefended.ba, asr: undefended.asr },
    defended: defended && {
      ba: defended.ba,
      asr: defended.asr,
      removed: defended.removed,
      precision: defended.precision,
      rounds: defended.rounds.map((r) => ({ neuronsReset: r.neuronsReset, removed: r.removed })),
    },
    removedIndices: report.removedIndices,
    poisonedImages: report.attack?.manifest.sha256.images,
  };
}

class Killed extends Error {}

describe('runExperiment', () => {
  let reference: ExperimentReport;

  it('reports BA, ASR and what NONE removed, and writes the artifacts', async () => {
    const outDir = await temporaryDirectory();
    reference = await runExperiment(options, { data, outDir });
    expect(reference.undefended.ba).toBeGreaterThan(0.5);
    expect(reference.defended?.rounds).toHaveLength(1);
    expect(reference.defended?.removed).toBeGreaterThan(0);
    expect(reference.attack?.manifest.counts.poisoned).toBe(60);
    const written = JSON.parse(
      await readFile(join(outDir, 'report.json'), 'utf8'),
    ) as ExperimentReport;
    expect(outcome(written)).toEqual(outcome(reference));
    expect(JSON.parse(await readFile(join(outDir, 'removed.json'), 'utf8'))).toEqual(
      reference.removedIndices,
    );
    expect(await readFile(join(outDir, 'report.md'), 'utf8')).toContain('| undefended |');
  });

  it.each([
    [
      'during undefended training',
      (e: ExperimentEvent) => e.type === 'epoch' && e.stage === 'undefended' && e.logs.epoch === 1,
    ],
    [
      'during NONE fine-tuning',
      (e: ExperimentEvent) => e.type === 'none' && e.event.type === 'epoch',
    ],
    [
      'during the retrain',
      (e: ExperimentEvent) => e.type === 'epoch' && e.stage === 'retrain' && e.logs.epoch === 0,
    ],
  ])('killed %s and resumed, ends with the same report', async (_, killWhen) => {
    const outDir = await temporaryDirectory();
    const killed = await runExperiment(options, {
      data,
      outDir,
      onEvent: (event) => {
        if (killWhen(event)) throw new Killed();
      },
    }).catch((error: unknown) => error);
    expect(killed).toBeInstanceOf(Killed);
    const resumed = await runExperiment(options, { data, outDir, resume: true });
    expect(outcome(resumed)).toEqual(outcome(reference));
  });

  it('a NONE run that removes nothing ends with the undefended model itself, also when resumed', async () => {
    // Clean data: the warm-up draws the undefended model's weights and batches, the detection
    // changes nothing, and training on keeps the warm-up's optimizer state (Adam's moments),
    // so the defended model is the undefended one, bit for bit.
    const clean: ExperimentOptions = {
      ...options,
      attack: null,
      none: { warmupEpochs: 2 },
    };
    const weights = (outDir: string, folder: string) =>
      readFile(join(outDir, folder, 'weights.bin'));
    const outDir = await temporaryDirectory();
    const report = await runExperiment(clean, { data, outDir });
    expect(report.removedIndices).toEqual([]);
    expect(report.defended?.retrained).toBe(false);
    expect(report.defended?.ba).toBe(report.undefended.ba);
    expect(await weights(outDir, 'model')).toEqual(await weights(outDir, 'undefended-model'));
    // Killed in the epochs after the detection, and resumed.
    const resumedDir = await temporaryDirectory();
    const killed = await runExperiment(clean, {
      data,
      outDir: resumedDir,
      onEvent: (event) => {
        if (event.type === 'epoch' && event.stage === 'retrain') throw new Killed();
      },
    }).catch((error: unknown) => error);
    expect(killed).toBeInstanceOf(Killed);
    await runExperiment(clean, { data, outDir: resumedDir, resume: true });
    expect(await weights(resumedDir, 'model')).toEqual(await weights(outDir, 'undefended-model'));
  });

  it.each(['dp-sgd', 'activation-clustering'] as const)(
    'runs the %s baseline and reports it',
    async (defense) => {
      const report = await runExperiment(
        {
          ...options,
          defense,
          // DP-SGD is plain SGD: the small CNN learns with it in a few epochs, the deep MLP does not.
          model: defense === 'dp-sgd' ? { architecture: 'small-cnn', width: 0.5 } : options.model,
          baselines: { dpSgd: { learningRate: 0.1 } },
        },
        { data },
      );
      expect(report.defended?.defense).toBe(defense);
      expect(report.defended?.rounds).toEqual([]);
      expect(report.defended?.ba).toBeGreaterThan(0.2);
      if (defense === 'activation-clustering') {
        // AC removes the smaller of two clusters per class when it is small enough (here the
        // planted 10% of class 0 and possibly some clean ones): precision is reported.
        expect(report.defended?.precision).not.toBeNull();
        expect(report.removedIndices.length).toBe(report.defended?.removed);
      } else {
        expect(report.defended?.precision).toBeNull();
      }
    },
  );

  it('trains on a poisoned set the caller made: the same set gives the same report', async () => {
    const attack = options.attack!;
    const same = poisonDataset(data.train, attack.config, {
      rate: attack.rate,
      seed: options.seed,
    });
    expect(outcome(await runExperiment(options, { data, poisoned: same }))).toEqual(
      outcome(reference),
    );
    // Another seed's poisoning: the report is that set's, not one the config would make.
    const other = poisonDataset(data.train, attack.config, { rate: attack.rate, seed: 99 });
    const report = await runExperiment({ ...options, defense: 'none' }, { data, poisoned: other });
    expect(report.attack?.manifest.sha256.images).toBe(other.manifest.sha256.images);
    expect(report.attack?.manifest.sha256.images).not.toBe(
      reference.attack?.manifest.sha256.images,
    );
  });

  it('rejects a caller-made poisoned set that does not fit', async () => {
    const attack = options.attack!;
    const poisoned = poisonDataset(data.train, attack.config, { rate: attack.rate, seed: 0 });
    await expect(runExperiment({ ...options, attack: null }, { data, poisoned })).rejects.toThrow(
      /options.attack is null/,
    );
    const cropped = { ...poisoned, dataset: { ...poisoned.dataset, numClasses: 9 } };
    await expect(runExperiment(options, { data, poisoned: cropped })).rejects.toThrow(
      /with 9 classes, the training set \[600, 28, 28, 1\] with 10/,
    );
  });

  it('refuses to resume a checkpoint made with another config', async () => {
    const outDir = await temporaryDirectory();
    await runExperiment(options, {
      data,
      outDir,
      onEvent: (event) => {
        if (event.type === 'epoch' && event.logs.epoch === 1) throw new Killed();
      },
    }).catch(() => undefined);
    const error = await runExperiment(
      { ...options, seed: 5 },
      { data, outDir, resume: true },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/was made with another config/);
  });
});
