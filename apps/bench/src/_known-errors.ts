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
import { BenchError } from './errors';

/**
 * The `isInstance` checks of the bench's and the NONE packages' error classes. Errors are
 * recognised by these brands only (they work across duplicate package copies), never by
 * built-in class or message text.
 */
const KNOWN_ERRORS: ReadonlyArray<(error: unknown) => boolean> = [
  (error) => BenchError.isInstance(error),
  (error) => ConfigError.isInstance(error),
  (error) => DataError.isInstance(error),
  (error) => AttackError.isInstance(error),
  (error) => ModelError.isInstance(error),
  (error) => ProbeError.isInstance(error),
  (error) => TrainerError.isInstance(error),
  (error) => BaselineError.isInstance(error),
  (error) => ExperimentError.isInstance(error),
  (error) => BackendError.isInstance(error),
  (error) => StatsError.isInstance(error),
  (error) => IoError.isInstance(error),
];

/** True for the errors of the bench and the NONE packages: printed as one line, no stack. */
export function isKnownError(error: unknown): error is Error {
  return KNOWN_ERRORS.some((isInstance) => isInstance(error));
}
