import type { RunSpec, SuiteDefinition } from './types';

/** A two-run suite small enough for unit tests (600 digits, 2 epochs of batch 16). */
export function tinySuite(name = 'tiny', epochs = 2): SuiteDefinition {
  const run = (id: string, defense: 'none' | 'NONE'): RunSpec => ({
    id,
    labels: { defense },
    kind: 'experiment',
    subset: { train: 600, test: 200 },
    config: {
      attack: { type: 'badnets', size: 3, target: 0 },
      poisonRate: 0.1,
      defense,
      training: { epochs, batchSize: 16 },
      none: { warmupEpochs: 1, rounds: 1, epochsPerRound: 1, retrain: false },
    },
    paper: { source: 'test', ba: 99, asr: 1 },
  });
  return {
    name,
    title: 'Tiny',
    reproduces: 'nothing',
    description: 'test suite',
    scaleNote: () => 'tiny',
    runs: () => [run('plain', 'none'), run('none-defended', 'NONE')],
  };
}
