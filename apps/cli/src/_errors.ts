import { AttackError } from '@none/attacks';
import { BackendError } from '@none/backend';
import { ConfigError } from '@none/config';
import { DataError } from '@none/data';
import { ModelError } from '@none/models';
import { TrainerError } from '@none/trainer';
import { UsageError } from './_args';

/** True for the errors of the NONE packages: printed as one line, without a stack. */
export function isKnownError(error: unknown): error is Error {
  return (
    ConfigError.isInstance(error) ||
    DataError.isInstance(error) ||
    AttackError.isInstance(error) ||
    ModelError.isInstance(error) ||
    TrainerError.isInstance(error) ||
    BackendError.isInstance(error) ||
    UsageError.isInstance(error) ||
    error instanceof RangeError
  );
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
