// ABL, NAD and DBD through runExperiment: each reports itself, and a run killed in the middle
// of the baseline resumes to the same report.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanSubset } from '@none/baselines';
import { afterAll, describe, expect, it } from 'vitest';
import { smallMnistSlice } from './_test-data';
import type { ExperimentOptions } from './experiment-options';
import type { ExperimentReport } from './experiment-report';
import { runExperiment } from './run-experiment';

const data = smallMnistSlice();

const base: ExperimentOptions = {
  seed: 4,
  dataset: { type: 'embedded-mnist' },
  attack: { config: { type: 'badnets', target: 0 }, rate: 0.1 },
  model: { architecture: 'small-cnn', width: 0.5 },
  training: {
    epochs: 3,
    batchSize: 32,
    optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4 },
  },
  defense: 'abl',
  baselines: {
    abl: { isolationEpochs: 1, unlearningEpochs: 1 },
    nad: { teacherEpochs: 2, distillationEpochs: 2 },
    dbd: { selfSupervisedEpochs: 1, headEpochs: 1, fineTuneEpochs: 1 },
  },
};

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'none-baselines-'));
  directories.push(directory);
  return directory;
}

const outcome = (r: ExperimentReport) => ({
  undefended: [r.undefended.ba, r.undefended.asr],
  defended: r.defended && [
    r.defended.ba,
    r.defended.asr,
    r.defended.removed,
    r.defended.precision,
    r.defended.recall,
  ],
  removedIndices: r.removedIndices,
});

class Killed extends Error {}

describe('runExperiment with ABL, NAD and DBD', () => {
  it.each(['abl', 'nad', 'dbd'] as const)(
    '%s: reports itself and resumes after a kill to the same report',
    async (defense) => {
      const options = { ...base, defense };
      const reference = await runExperiment(options, { data, outDir: await temporaryDirectory() });
      expect(reference.defended?.defense).toBe(defense);
      expect(reference.defended?.details).toBeDefined();
      // One epoch per DBD stage on 600 digits learns nothing yet (its own tests train longer).
      if (defense !== 'dbd') expect(reference.defended?.ba).toBeGreaterThan(0.2);
      if (defense === 'abl') {
        // 1% of 600 isolated; its precision against the planted 60.
        expect(reference.defended?.removed).toBe(6);
        expect(reference.removedIndices).toHaveLength(6);
        expect(reference.defended?.precision).not.toBeNull();
      }
      if (defense === 'nad') {
        // NAD's cost includes training the model it repairs.
        expect(reference.defended!.trainMs).toBeGreaterThan(reference.undefended.trainMs);
        expect(reference.defended?.variant).toContain('5% clean data');
      }
      if (defense === 'dbd') {
        // The last split's unlabeled part (about half, split within each class).
        const splits = reference.defended?.details?.splits as {
          labeled: number;
          unlabeled: number;
        }[];
        const last = splits[splits.length - 1]!;
        expect(last.labeled + last.unlabeled).toBe(600);
        expect(reference.defended?.removed).toBe(last.unlabeled);
        expect(last.unlabeled).toBeGreaterThan(270);
        expect(last.unlabeled).toBeLessThan(330);
      }

      // Kill on the second baseline epoch, resume.
      const outDir = await temporaryDirectory();
      let epochs = 0;
      const killed = await runExperiment(options, {
        data,
        outDir,
        onEvent: (e) => {
          if (e.type === 'epoch' && e.stage === 'baseline' && ++epochs === 2) throw new Killed();
        },
      }).catch((error: unknown) => error);
      expect(killed).toBeInstanceOf(Killed);
      const resumed = await runExperiment(options, { data, outDir, resume: true });
      expect(outcome(resumed)).toEqual(outcome(reference));
    },
  );

  it("NAD's clean subset: the requested share, no poisoned sample, seeded", () => {
    const poisoned = [1, 2, 3, 10, 50];
    const subset = cleanSubset(100, poisoned, 0.2, 7);
    expect(subset).toHaveLength(20);
    expect(Array.from(subset).some((i) => poisoned.includes(i))).toBe(false);
    expect(new Set(subset).size).toBe(20);
    expect(cleanSubset(100, poisoned, 0.2, 7)).toEqual(subset);
    expect(cleanSubset(100, poisoned, 0.2, 8)).not.toEqual(subset);
  });
});
