import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/baselines: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "ABL_DEFAULTS",
      "ACTIVATION_CLUSTERING_DEFAULTS",
      "BaselineError",
      "DBD_DEFAULTS",
      "DP_SGD_SETTINGS",
      "NAD_DEFAULTS",
      "ablDefense",
      "activationClustering",
      "activationClusteringDefense",
      "attentionDistillationLoss",
      "attentionMap",
      "cleanSubset",
      "clipAndNoiseGradients",
      "clipGradientNorm",
      "dbdDefense",
      "dpSgdDefense",
      "localGradientAscentLoss",
      "lowestLossIndices",
      "nadDefense",
      "ntXentLoss",
      "runAbl",
      "runDbd",
      "runNad",
      "symmetricCrossEntropy",
      "trainEpochsDpSgd",
    ]
  `);
});
