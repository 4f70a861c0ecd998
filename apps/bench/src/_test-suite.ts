import type { RunResult, RunSpec, SuiteDefinition } from './types';

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

/** A finished run's result for report and chart tests: undefended only unless `fields` adds more. */
export function testResult(fields: Partial<RunResult> & Pick<RunResult, 'id'>): RunResult {
  return {
    format: 1,
    suite: 's',
    scale: 'cpu',
    labels: {},
    configHash: fields.id,
    seed: 0,
    gitRevision: null,
    backend: 'cpu',
    versions: {},
    host: { cpus: 1, platform: 'linux' },
    startedAt: '',
    wallMs: 1,
    undefended: { ba: 0.5, asr: 0.5, trainMs: 1 },
    defended: null,
    ...fields,
  };
}
