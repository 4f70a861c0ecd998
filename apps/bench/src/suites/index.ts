import type { SuiteDefinition } from '../types';
import { consensusCandidatesSuite } from './ablation';
import { adaptiveSuite } from './adaptive';
import { federatedSuite } from './federated';
import { injectedSuite } from './injected';
import { robustnessSuite } from './matrix';
import {
  benignSuite,
  efficiencySuite,
  naturalSuite,
  precisionRecallSuite,
  sensitivitySuite,
} from './others';
import {
  activationsSuite,
  moreAttacksSuite,
  patternsSuite,
  poisonRateSuite,
  triggerSizeSuite,
} from './robustness';

/** Every suite, by name. */
export const SUITES: Record<string, SuiteDefinition> = Object.fromEntries(
  [
    injectedSuite,
    benignSuite,
    patternsSuite,
    triggerSizeSuite,
    poisonRateSuite,
    moreAttacksSuite,
    activationsSuite,
    sensitivitySuite,
    naturalSuite,
    efficiencySuite,
    precisionRecallSuite,
    adaptiveSuite,
    federatedSuite,
    consensusCandidatesSuite,
    robustnessSuite,
  ].map((s) => [s.name, s]),
);

export { PRESETS } from './_presets';
