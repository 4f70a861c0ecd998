import { RUN_KINDS } from './kinds';
import type { ExecuteRunOptions } from './run-context';
import type { RunResult, RunSpec } from './types';

/**
 * Runs one experiment of a suite in this process (the backend must be initialised) with the
 * runner of its kind ({@link RUN_KINDS}) and returns its result line. Checkpoints go to
 * `<outDir>/runs/<id>/<hash>`, so a killed run resumes.
 */
export async function executeRun(spec: RunSpec, options: ExecuteRunOptions): Promise<RunResult> {
  return RUN_KINDS[spec.kind](spec, options);
}
