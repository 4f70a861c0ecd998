import { AttackError } from '@none/attacks';
import { BackendError } from '@none/backend';
import { BaselineError } from '@none/baselines';
import { ConfigError } from '@none/config';
import { DataError } from '@none/data';
import { ExperimentError } from '@none/experiment';
import { IoError } from '@none/io';
import { ModelError } from '@none/models';
import { ProbeError } from '@none/probe';
import { StatsError } from '@none/stats';
import { TrainerError } from '@none/trainer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './_args';
import { guard, isKnownError } from './_errors';

let stderr = '';
beforeEach(() => {
  stderr = '';
  process.exitCode = undefined;
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const known: [string, Error][] = [
  ['ConfigError', new ConfigError('E_INVALID_CONFIG', 'invalid experiment config in x.json')],
  ['DataError', new DataError('E_NOT_FOUND', 'loadMnistIdx: no file x')],
  ['AttackError', new AttackError('E_INVALID_ARGUMENT', 'poisonDataset: rate must be in [0, 1]')],
  ['ModelError', new ModelError('E_NOT_FOUND', 'loadModel: no file or folder x')],
  ['ProbeError', new ProbeError('E_NOT_FOUND', 'createActivationProbe: no layer x')],
  ['TrainerError', new TrainerError('E_INVALID_ARGUMENT', 'trainEpochs: epochs must be >= 1')],
  [
    'BaselineError',
    new BaselineError('E_INVALID_ARGUMENT', 'trainAbl: isolationRate must be in (0, 1)'),
  ],
  [
    'ExperimentError',
    new ExperimentError('E_CHECKPOINT', 'runExperiment: the checkpoint is of another config'),
  ],
  ['IoError', new IoError('E_IO', 'writeFileAtomic: cannot write runs/a/report.json')],
  ['BackendError', new BackendError('E_BACKEND_UNAVAILABLE', 'the cpu backend did not start')],
  ['StatsError', new StatsError('E_EMPTY_INPUT', 'mean: values must contain at least one value')],
  ['UsageError', new UsageError('train: unknown option --epochs')],
];

describe('guard', () => {
  it.each(known)('prints a %s as one line and sets exit code 1', async (_, error) => {
    await guard(async () => {
      throw error;
    });
    expect(stderr).toBe(`none: ${error.message}\n`);
    expect(process.exitCode).toBe(1);
  });

  it('recognises an error of another copy of a package by its brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@none/stats.error')]: true });
    expect(isKnownError(foreign)).toBe(true);
  });

  it('lets built-in errors through (citty prints their stack), whatever their class or message', async () => {
    for (const error of [
      new RangeError('runExperiment: bad'),
      new TypeError('x is not a function'),
      new Error('StatsError: looks like one'),
    ]) {
      await expect(
        guard(async () => {
          throw error;
        }),
      ).rejects.toBe(error);
      expect(isKnownError(error)).toBe(false);
    }
    expect(stderr).toBe('');
    expect(process.exitCode).toBeUndefined();
  });
});
