import type { SuiteDefinition } from '../types';
import { robustnessSuite } from './matrix';

/**
 * The signature detection's candidate for the next default, measured on the robustness
 * matrix before it may become one: groups are also started from each class's principal
 * direction (which finds 7x7 and 9x9 patches, whose poisoned images are each other's
 * neighbours and so never seeds), and such a group must show other classes nearly always
 * (`principalContent` 0.9) and leave its class when its signature channels are zeroed
 * (`maxStay` 0.5).
 */
export const PRINCIPAL_CANDIDATE = { principalStarts: true, maxStay: 0.5, principalContent: 0.9 };

/** The robustness matrix, every cell, with {@link PRINCIPAL_CANDIDATE} (one setting for all). */
export const robustnessPrincipalSuite: SuiteDefinition = {
  ...robustnessSuite,
  name: 'robustness-principal',
  title: 'The robustness matrix with principal starts and the reset test (candidate default)',
  description: `${robustnessSuite.description} Every run adds none.signature = ${JSON.stringify(PRINCIPAL_CANDIDATE)}.`,
  runs: (scale, seeds) =>
    robustnessSuite.runs(scale, seeds).map((run) => ({
      ...run,
      config: {
        ...run.config,
        none: {
          ...run.config.none,
          signature: { ...run.config.none?.signature, ...PRINCIPAL_CANDIDATE },
        },
      },
    })),
};
