import { setDropoutStep } from '@none/models';
import { deriveSeed } from '@none/stats';
import { type EpochLogs, epochBatches, range } from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { augmentDigits } from './_dbd-augment';
import { type Context, checkLoss, finishEpoch, stageOptimizer } from './_dbd-context';
import {
  createProjectionHead,
  ntXentLogits,
  type ProjectionHead,
  positiveIndices,
} from './_dbd-contrastive';

/**
 * Stage 1 of DBD: SimCLR on the training images without labels, the backbone and a
 * projection head trained by the NT-Xent loss over two augmented views per image.
 */
export async function selfSupervisedStage(context: Context): Promise<void> {
  const { model, dataset, o, options, state, parts } = context;
  const [n, h, w, c] = dataset.shape;
  const projection: ProjectionHead = createProjectionHead(
    parts.features,
    parts.features,
    o.projectionDim,
    deriveSeed(o.seed, 'dbd-projection'),
  );
  if (state.projectionHead) projection.setWeights(state.projectionHead);
  const headWeights = new Set(parts.head.trainableWeights.map((weight) => weight.read().id));
  const backboneVariables = model.trainableWeights
    .map((weight) => weight.read() as tf.Variable)
    .filter((variable) => !headWeights.has(variable.id));
  const variables = [...backboneVariables, ...projection.variables];
  const optimizer = stageOptimizer(context, variables, o.optimizer);
  const salt = deriveSeed(o.seed, 'dbd-self-supervised');
  try {
    for (;;) {
      const epoch = state.epoch;
      const started = performance.now();
      let lossSum = 0;
      let hits = 0;
      for (const { batch, batches, size, images } of epochBatches(dataset, range(n), {
        seed: salt,
        epoch,
        batchSize: o.batchSize,
      })) {
        const shape = [size, h, w, c] as const;
        const views = new Float32Array(2 * images.length);
        for (let v = 0; v < 2; v++) {
          const seed = deriveSeed(salt, 'view', epoch, batch, v);
          views.set(augmentDigits(images, shape, { ...o.strongAugment, seed }), v * images.length);
        }
        setDropoutStep(model, deriveSeed(salt, 'dropout', epoch, batch));
        const x = tf.tensor4d(views, [2 * size, h, w, c]);
        let logits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const features = parts.backbone.apply(x, { training: true }) as tf.Tensor;
          const z = projection.apply(features);
          const similarity = ntXentLogits(
            tf.slice(z, [0, 0], [size, -1]),
            tf.slice(z, [size, 0], [size, -1]),
            o.temperature,
          );
          logits = tf.keep(similarity);
          const positives = tf.oneHot(positiveIndices(size), 2 * size);
          return tf.neg(
            tf.mean(tf.sum(tf.mul(positives, tf.logSoftmax(similarity, 1)), 1)),
          ) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        const loss = (await value.data())[0]!;
        const retrieved = tf.tidy(() =>
          tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), positiveIndices(size)), 'int32')),
        );
        hits += (await retrieved.data())[0]!;
        tf.dispose([x, value, logits!, retrieved, ...Object.values(grads)]);
        checkLoss(loss, 'self-supervised', epoch, batch);
        lossSum += loss * size;
        await options.onEvent?.({ type: 'batch', stage: 'self-supervised', batch, batches });
      }
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / n,
        // Top-1 retrieval: anchors whose most similar other view is their positive.
        accuracy: hits / (2 * n),
        learningRate: optimizer.learningRate,
        samples: n,
        milliseconds: performance.now() - started,
      };
      const finished = await finishEpoch(context, logs, optimizer, () => {
        state.projectionHead = projection.getWeights();
      });
      if (finished) return;
    }
  } finally {
    optimizer.dispose();
    projection.dispose();
  }
}
