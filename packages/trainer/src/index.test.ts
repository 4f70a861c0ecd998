import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/trainer: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "ABL_DEFAULTS",
      "ACTIVATION_CLUSTERING_DEFAULTS",
      "CONFIDENCE_GAP_DETECTION_DEFAULTS",
      "CONSENSUS_DETECTION_DEFAULTS",
      "DBD_DEFAULTS",
      "DP_SGD_SETTINGS",
      "NAD_DEFAULTS",
      "NONE_DEFAULTS",
      "PAPER_DETECTION_DEFAULTS",
      "SIGNATURE_DETECTION_DEFAULTS",
      "TrainerError",
      "accuracy",
      "activationClustering",
      "argmaxRows",
      "attentionDistillationLoss",
      "attentionMap",
      "cleanSubset",
      "clipAndNoiseGradients",
      "clipGradientNorm",
      "createOptimizer",
      "defenseWarnings",
      "detectConfidenceGap",
      "detectConsensus",
      "detectNone",
      "detectPaper",
      "detectSignature",
      "detectionQuality",
      "epochSeed",
      "formatReportMarkdown",
      "freezeBatchNorm",
      "gatherBatch",
      "hashConfig",
      "inputFeatures",
      "kMeans",
      "labelDisagreement",
      "learningRateAt",
      "localGradientAscentLoss",
      "lowestLossIndices",
      "nearestNeighbours",
      "noneFinding",
      "ntXentLoss",
      "predictLogits",
      "principalComponents",
      "projectOntoComponents",
      "readCheckpoint",
      "readModelWeights",
      "resolveNoneOptions",
      "runAbl",
      "runDbd",
      "runExperiment",
      "runNad",
      "runNone",
      "silhouetteScore",
      "symmetricCrossEntropy",
      "symmetricEigen",
      "trainEpochs",
      "trainEpochsDpSgd",
      "trainWithNone",
      "writeCheckpoint",
      "writeModelWeights",
    ]
  `);
});

it('exports exactly its zod schemas at /schema', async () => {
  expect(Object.keys(await import('./schema')).sort()).toMatchInlineSnapshot(`
    [
      "TRAINING_DEFAULTS",
      "baselinesSchema",
      "noneSchema",
      "optimizerSchema",
      "scheduleSchema",
      "trainingSchema",
    ]
  `);
});
