import { expect, it } from 'vitest';
import * as api from './index';

// The public surface of @none/trainer: a change to it shows here and needs a changeset.
it('exports exactly its public API', () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "CONFIDENCE_GAP_DETECTION_DEFAULTS",
      "CONSENSUS_DETECTION_DEFAULTS",
      "NONE_DEFAULTS",
      "PAPER_DETECTION_DEFAULTS",
      "SIGNATURE_DETECTION_DEFAULTS",
      "TrainerError",
      "accuracy",
      "argmaxRows",
      "createOptimizer",
      "detectConfidenceGap",
      "detectConsensus",
      "detectNone",
      "detectPaper",
      "detectSignature",
      "detectionQuality",
      "epochBatches",
      "epochOrder",
      "evaluateBackdoor",
      "fedAvg",
      "freezeBatchNorm",
      "gatherBatch",
      "growAndPruneSeeds",
      "iidShards",
      "inputFeatures",
      "keptIndices",
      "labelDisagreement",
      "learningRateAt",
      "nearestNeighbours",
      "neighbourWitness",
      "noneDefense",
      "predictLogits",
      "range",
      "readCheckpoint",
      "readModelWeights",
      "resolveNoneOptions",
      "runNone",
      "scaleSchedule",
      "trainEpochs",
      "writeCheckpoint",
      "writeModelWeights",
    ]
  `);
});

it('exports exactly its zod schemas at /schema', async () => {
  expect(Object.keys(await import('./schema')).sort()).toMatchInlineSnapshot(`
    [
      "TRAINING_DEFAULTS",
      "noneSchema",
      "optimizerSchema",
      "scheduleSchema",
      "trainingSchema",
    ]
  `);
});
