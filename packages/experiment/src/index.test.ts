import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/experiment: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "DEFENSES",
      "ExperimentError",
      "defenseWarnings",
      "formatReportMarkdown",
      "hashConfig",
      "noneFinding",
      "runExperiment",
      "trainWithNone",
      "writeArtifacts",
    ]
  `);
});
