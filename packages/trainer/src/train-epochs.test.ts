import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussianBlobs, pointsToImageDataset } from '@none/data';
import { buildModel } from '@none/models';
import type * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint, readModelWeights, writeCheckpoint, writeModelWeights } from './checkpoint';
import { createOptimizer } from './optimizer';
import { trainEpochs } from './train-epochs';

const blobs = pointsToImageDataset(gaussianBlobs({ n: 400, seed: 5 }));

function freshModel() {
  // Blobs as images of shape [1, 1, 2]; the MLP flattens them.
  return buildModel({
    architecture: 'mlp',
    inputShape: [1, 1, 2],
    numClasses: 5,
    width: 0.2,
    seed: 9,
  });
}

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

describe('trainEpochs', () => {
  it("learns the 2-D blobs with the paper's 5 x 100 MLP", async () => {
    const { model } = buildModel({
      architecture: 'mlp',
      inputShape: [1, 1, 2],
      numClasses: 5,
      seed: 9,
    });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = createOptimizer(variables, { type: 'adam', learningRate: 0.01 });
    const history = await trainEpochs(model, blobs, {
      epochs: 20,
      batchSize: 32,
      optimizer,
      seed: 1,
    });
    // The five blobs are 7 standard deviations apart: a trained MLP separates them.
    expect(history.at(-1)!.accuracy).toBeGreaterThan(0.95);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
    optimizer.dispose();
    model.dispose();
  });

  it('resumed from a checkpoint, ends with exactly the weights of an uninterrupted run', async () => {
    const run = async (split: boolean) => {
      const { model } = freshModel();
      const variables = () => model.trainableWeights.map((w) => w.read() as tf.Variable);
      const options = { type: 'sgd' as const, learningRate: 0.05 };
      let optimizer = createOptimizer(variables(), options);
      const schedule = { type: 'multistep' as const, milestones: [2], gamma: 0.1 };
      if (!split) {
        await trainEpochs(model, blobs, { epochs: 4, batchSize: 32, optimizer, seed: 3, schedule });
      } else {
        await trainEpochs(model, blobs, { epochs: 2, batchSize: 32, optimizer, seed: 3, schedule });
        const directory = await mkdtemp(join(tmpdir(), 'none-ckpt-'));
        directories.push(directory);
        await writeCheckpoint(directory, {
          state: { epoch: 2 },
          weights: readModelWeights(model),
          optimizer: optimizer.getState(),
        });
        optimizer.dispose();
        model.dispose();
        // A new process would rebuild the model with another seed and restore it.
        const restored = (await readCheckpoint<{ epoch: number }>(directory))!;
        const other = buildModel({
          architecture: 'mlp',
          inputShape: [1, 1, 2],
          numClasses: 5,
          width: 0.2,
          seed: 123,
        });
        writeModelWeights(other.model, restored.weights);
        optimizer = createOptimizer(
          other.model.trainableWeights.map((w) => w.read() as tf.Variable),
          options,
        );
        optimizer.setState(restored.optimizer!);
        await trainEpochs(other.model, blobs, {
          epochs: 2,
          startEpoch: restored.state.epoch,
          batchSize: 32,
          optimizer,
          seed: 3,
          schedule,
        });
        expect((await readdir(directory)).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
        const weights = readModelWeights(other.model);
        other.model.dispose();
        optimizer.dispose();
        return weights;
      }
      const weights = readModelWeights(model);
      optimizer.dispose();
      model.dispose();
      return weights;
    };
    const uninterrupted = await run(false);
    const resumed = await run(true);
    expect(resumed.map((w) => Array.from(w))).toEqual(uninterrupted.map((w) => Array.from(w)));
  });
});
