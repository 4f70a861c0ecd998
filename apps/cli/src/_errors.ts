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
import { UsageError } from './_args';

/**
 * The `isInstance` checks of the NONE packages' error classes. Errors are recognised by these
 * brands only (they work across duplicate package copies), never by built-in class or message.
 */
const KNOWN_ERRORS: ReadonlyArray<(error: unknown) => boolean> = [
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
  (error) => UsageError.isInstance(error),
];

/** True for the errors of the NONE packages: printed as one line, without a stack. */
export function isKnownError(error: unknown): error is Error {
  return KNOWN_ERRORS.some((isInstance) => isInstance(error));
}

/** Runs a command body; a known error becomes one clear line on stderr and exit code 1. */
export async function guard(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!isKnownError(error)) throw error;
    process.stderr.write(`none: ${error.message}\n`);
    process.exitCode = 1;
  }
}
