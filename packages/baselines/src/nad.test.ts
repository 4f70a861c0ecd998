import { attackTestSet, poisonDataset } from '@none/attacks';
import { loadEmbeddedMnist, subsetDataset } from '@none/data';
import { buildModel } from '@none/models';
import { createRandom } from '@none/stats';
import {
  accuracy,
  argmaxRows,
  createOptimizer,
  keptIndices,
  predictLogits,
  readModelWeights,
  trainEpochs,
  writeModelWeights,
} from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultAttentionLayers } from './_attention';
import { BaselineError } from './errors';
import {
  attentionDistillationLoss,
  attentionMap,
  NAD_DEFAULTS,
  type NadState,
  type RunNadOptions,
  runNad,
} from './nad';

const full = loadEmbeddedMnist();
const attack = { type: 'badnets' as const, target: 0 };
// Every other digit of the embedded MNIST training set, 10% BadNets (target 0).
const train = subsetDataset(
  full.train,
  Int32Array.from({ length: 4000 }, (_, i) => i * 2),
);
const poisoned = poisonDataset(train, attack, { rate: 0.1, seed: 1 });
const test = subsetDataset(
  full.test,
  Int32Array.from({ length: 500 }, (_, i) => i * 4),
);
const asrSet = attackTestSet(test, attack).dataset;
// The defender's clean subset: 5% of the training set, drawn from the clean samples.
const clean = (() => {
  const kept = keptIndices(4000, poisoned.poisonedIndices);
  return createRandom(5)
    .sample(kept.length, 200)
    .map((i: number) => kept[i]!);
})();

const smallCnn = (seed: number) =>
  buildModel({
    architecture: 'small-cnn',
    inputShape: [28, 28, 1],
    numClasses: 10,
    width: 0.5,
    seed,
  });

async function evaluate(model: Parameters<typeof predictLogits>[0]) {
  const ba = accuracy(argmaxRows(await predictLogits(model, test), 10), test.labels);
  const asr = accuracy(argmaxRows(await predictLogits(model, asrSet), 10), asrSet.labels);
  return { ba, asr };
}

const SQRT337 = Math.sqrt(337);

describe('attentionMap', () => {
  it('is mean_c |a|^p per position, L2-normalised per sample', () => {
    const before = tf.memory().numTensors;
    // Sample 0: one channel, positions (3, 4): p = 2 gives (9, 16) / sqrt(337).
    // Sample 1: positions (1, -3) and (2, 2) over 2 channels: p = 1 gives (2, 2) / sqrt(8).
    const a = tf.tensor4d([3, 4], [1, 1, 2, 1]);
    const b = tf.tensor4d([1, -3, 2, 2], [1, 1, 2, 2]);
    const mapA = attentionMap(a, 2);
    const mapB = attentionMap(b, 1);
    expect(mapA.shape).toEqual([1, 2]);
    expect(Array.from(mapA.dataSync())).toEqual([
      expect.closeTo(9 / SQRT337, 5),
      expect.closeTo(16 / SQRT337, 5),
    ]);
    expect(Array.from(mapB.dataSync())).toEqual([
      expect.closeTo(Math.SQRT1_2, 5),
      expect.closeTo(Math.SQRT1_2, 5),
    ]);
    // A dense activation: every unit is a position.
    const dense = tf.tensor2d([3, -4], [1, 2]);
    const mapDense = attentionMap(dense, 2);
    expect(Array.from(mapDense.dataSync())).toEqual(Array.from(mapA.dataSync()));
    tf.dispose([a, b, mapA, mapB, dense, mapDense]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a rank-3 activation', () => {
    const x = tf.zeros([1, 2, 2]);
    expect(() => attentionMap(x)).toThrow('attentionMap: activation must be [n, h, w, c]');
    x.dispose();
  });
});

describe('attentionDistillationLoss', () => {
  it('is 0 for identical activations and sum_l beta_l D(A_T, A_S) otherwise', () => {
    const teacher = [tf.tensor4d([1, 0], [1, 1, 2, 1]), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])];
    const other = [tf.tensor4d([0, 1], [1, 1, 2, 1]), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])];
    const betas = { betas: [500, 1000, 1000] };
    const same = attentionDistillationLoss(teacher, teacher, betas);
    const sameL2 = attentionDistillationLoss(teacher, teacher, { ...betas, distance: 'l2' });
    expect(same.dataSync()[0]).toBe(0);
    expect(sameL2.dataSync()[0]).toBe(0);
    // Layer 0: maps (1, 0) and (0, 1); the two layers get the last two betas, 1000 and 1000.
    const mse = attentionDistillationLoss(teacher, other, betas);
    const l2 = attentionDistillationLoss(teacher, other, { ...betas, distance: 'l2' });
    expect(mse.dataSync()[0]).toBeCloseTo(1000 * ((1 + 1) / 2), 1);
    expect(l2.dataSync()[0]).toBeCloseTo(1000 * Math.SQRT2, 1);
    tf.dispose([...teacher, ...other, same, sameL2, mse, l2]);
  });

  it('pulls the student map towards the teacher map (gradient descent lowers it)', () => {
    const teacher = [tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])];
    const student = tf.variable(tf.tensor4d([4, 3, 2, 1], [1, 2, 2, 1]));
    const loss = () => attentionDistillationLoss(teacher, [student], { betas: [1] });
    const start = loss();
    const first = start.dataSync()[0]!;
    for (let i = 0; i < 20; i++) {
      const { value, grads } = tf.variableGrads(loss, [student]);
      student.assign(tf.sub(student, tf.mul(grads[student.name]!, 5)));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const end = loss();
    expect(first).toBeGreaterThan(0);
    expect(end.dataSync()[0]).toBeLessThan(first / 2);
    tf.dispose([...teacher, student, start, end]);
  });
});

describe('defaultAttentionLayers', () => {
  it("takes the small CNN's conv activations, a WRN's last three, an MLP's dense ones", () => {
    const cnn = smallCnn(0);
    expect(defaultAttentionLayers(cnn.metadata.neurons)).toEqual(['conv1_act', 'conv2_act']);
    cnn.model.dispose();
    const wrn = buildModel({
      architecture: 'wrn16',
      inputShape: [8, 8, 3],
      numClasses: 10,
      width: 0.25,
    });
    const wrnLayers = defaultAttentionLayers(wrn.metadata.neurons);
    const convActivations = wrn.metadata.neurons
      .filter((n) => n.kind === 'conv2d')
      .map((n) => n.postActivation);
    expect(wrnLayers).toEqual([...new Set(convActivations)].slice(-3));
    expect(wrnLayers).toHaveLength(3);
    wrn.model.dispose();
    const mlp = buildModel({ architecture: 'mlp', inputShape: [1, 1, 2], numClasses: 5 });
    const dense = defaultAttentionLayers(mlp.metadata.neurons);
    expect(dense).toEqual(mlp.metadata.neurons.slice(-3).map((n) => n.postActivation));
    mlp.model.dispose();
  });
});

describe('runNad', () => {
  const base: Omit<RunNadOptions, 'neurons'> = {
    cleanIndices: clean,
    optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
    batchSize: 32,
    seed: 2,
  };

  it('lowers the ASR of a BadNets small CNN at a moderate cost in BA (3 model seeds)', async () => {
    // One seed is not enough here: a 4-epoch model and 30 epochs of NAD are chaotic, and the
    // last bit of a sum (FMA or not) moved one seed's ASR after NAD from 0.45 to 0.70.
    // Observed with the FMA kernels: ASR 1.00 -> 0.70, 0.67, 0.97 (mean drop 0.22), BA 0.91-0.93:
    // NAD's effect at this budget is weak and seed-dependent; the test asserts that it is there.
    const results: { before: number; after: number; ba: number }[] = [];
    for (const seed of [3, 4, 5]) {
      const built = smallCnn(seed);
      const variables = built.model.trainableWeights.map((w) => w.read() as tf.Variable);
      const optimizer = createOptimizer(variables, { type: 'sgd', learningRate: 0.05 });
      await trainEpochs(built.model, poisoned.dataset, {
        epochs: 4,
        batchSize: 64,
        optimizer,
        seed: 1,
      });
      optimizer.dispose();
      const backdoored = await evaluate(built.model);
      const before = tf.memory().numTensors;
      // At the paper's rates (0.01) neither the teacher nor the student moves away from the
      // backdoor here (observed ASR 0.99 after NAD); at the rate the model was trained with,
      // the teacher loses most of it and distillation follows.
      const state = await runNad(built.model, poisoned.dataset, {
        ...base,
        neurons: built.metadata.neurons,
        nad: { teacherLearningRate: 0.05, distillationLearningRate: 0.05 },
      });
      expect(tf.memory().numTensors).toBe(before);
      const defended = await evaluate(built.model);
      expect(state.layers).toEqual(['conv1_act', 'conv2_act']);
      expect(state.epochsDone).toEqual({ teacher: 10, distill: 20 });
      expect(state.records.filter((r) => r.phase === 'distill')).toHaveLength(20);
      results.push({ before: backdoored.asr, after: defended.asr, ba: defended.ba });
      built.model.dispose();
    }
    const mean = (f: (r: (typeof results)[number]) => number) =>
      results.reduce((s, r) => s + f(r), 0) / results.length;
    for (const r of results) expect(r.before).toBeGreaterThan(0.9);
    expect(mean((r) => r.after)).toBeLessThan(mean((r) => r.before) - 0.1);
    expect(mean((r) => r.ba)).toBeGreaterThan(0.75);
  }, 120_000);

  class Killed extends Error {}

  it.each([
    [
      'during the teacher phase',
      (s: NadState) => s.phase === 'teacher' && s.epochsDone.teacher === 1,
    ],
    ['during distillation', (s: NadState) => s.epochsDone.distill === 1],
  ])('killed %s and resumed, ends with the same weights', async (_, killWhen) => {
    const tiny = subsetDataset(
      poisoned.dataset,
      Int32Array.from({ length: 200 }, (_, i) => i),
    );
    const options: RunNadOptions = {
      ...base,
      cleanIndices: Int32Array.from({ length: 60 }, (_, i) => i * 3),
      nad: { teacherEpochs: 2, distillationEpochs: 2, distillationLearningRate: 0.05 },
      layers: ['conv1_act', 'conv2_act'],
    };
    const reference = smallCnn(5).model;
    const final = await runNad(reference, tiny, options);
    const expected = readModelWeights(reference);
    reference.dispose();

    const killed = smallCnn(5).model;
    let saved: { state: NadState; weights: Float32Array[] } | undefined;
    const error = await runNad(killed, tiny, {
      ...options,
      onCheckpoint: (s) => {
        saved = { state: structuredClone(s), weights: readModelWeights(killed) };
        if (killWhen(s)) throw new Killed();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Killed);
    killed.dispose();
    const resumed = smallCnn(77).model;
    writeModelWeights(resumed, saved!.weights);
    const resumedFinal = await runNad(resumed, tiny, { ...options, state: saved!.state });
    expect(readModelWeights(resumed).map((w) => Array.from(w))).toEqual(
      expected.map((w) => Array.from(w)),
    );
    expect(resumedFinal.records.map((r) => [r.phase, r.epoch, r.loss])).toEqual(
      final.records.map((r) => [r.phase, r.epoch, r.loss]),
    );
    resumed.dispose();
  });

  it('rejects an empty clean subset and a state without the teacher', async () => {
    const built = smallCnn(1);
    const empty = await runNad(built.model, poisoned.dataset, {
      ...base,
      cleanIndices: [],
      neurons: built.metadata.neurons,
    }).catch((e: unknown) => e);
    expect(BaselineError.isInstance(empty)).toBe(true);
    expect((empty as Error).message).toBe(
      'runNad: cleanIndices must hold at least one index, got 0',
    );
    const noTeacher = await runNad(built.model, poisoned.dataset, {
      ...base,
      neurons: built.metadata.neurons,
      state: {
        phase: 'distill',
        epochsDone: { teacher: 10, distill: 0 },
        layers: ['conv1_act'],
        records: [],
      },
    }).catch((e: unknown) => e);
    expect((noTeacher as BaselineError).code).toBe('E_CHECKPOINT');
    built.model.dispose();
  });

  it('has the documented defaults', () => {
    expect(NAD_DEFAULTS).toEqual({
      teacherEpochs: 10,
      teacherLearningRate: 0.01,
      distillationEpochs: 20,
      distillationLearningRate: 0.01,
      p: 2,
      betas: [500, 1000, 1000],
      distance: 'mse',
    });
  });
});
