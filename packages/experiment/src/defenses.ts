import {
  ablDefense,
  activationClusteringDefense,
  dbdDefense,
  dpSgdDefense,
  nadDefense,
} from '@none/baselines';
import { type Defense, noneDefense } from '@none/trainer';
import type { ExperimentOptions } from './experiment-options';

/**
 * The defenses `runExperiment` can run, by name, each made from the experiment's options:
 * `NONE` is this paper; `dp-sgd` (Abadi et al., Hong et al.), `activation-clustering`
 * (Chen et al.), `abl` (Li et al. 2021a), `nad` (Li et al. 2021b) and `dbd` (Huang et al.
 * 2022) are baselines. A new defense is one module implementing `Defense` and one line here.
 */
export const DEFENSES = {
  NONE: (options) => noneDefense(options.none),
  'dp-sgd': (options) => dpSgdDefense(options.baselines?.dpSgd),
  'activation-clustering': (options) =>
    activationClusteringDefense(options.baselines?.activationClustering),
  abl: (options) => ablDefense(options.baselines?.abl),
  nad: (options) => nadDefense(options.baselines?.nad),
  dbd: (options) => dbdDefense(options.baselines?.dbd),
} as const satisfies Record<string, (options: ExperimentOptions) => Defense<never>>;

/** `none`: plain training only; otherwise a key of {@link DEFENSES}. */
export type DefenseName = 'none' | keyof typeof DEFENSES;
