// The run kinds: one static table from each kind's runner. Nothing registers at import time.
import type { RunKind } from '../run-context';
import type { RunSpec } from '../types';
import { executeAdaptiveRun } from './adaptive';
import { executeExperimentRun } from './experiment';
import { executeFederatedRun } from './federated';

/** The runner of each `RunSpec['kind']`. */
export const RUN_KINDS = {
  experiment: executeExperimentRun,
  natural: executeExperimentRun,
  'label-consistent': executeExperimentRun,
  adaptive: executeAdaptiveRun,
  federated: executeFederatedRun,
} as const satisfies Record<RunSpec['kind'], RunKind>;
