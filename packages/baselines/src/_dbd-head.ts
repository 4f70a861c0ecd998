import { deriveSeed } from '@none/stats';
import { type EpochLogs, epochOrder, gatherBatch, range } from '@none/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { type Context, checkLoss, finishEpoch, stageOptimizer } from './_dbd-context';
import { symmetricCrossEntropy } from './symmetric-cross-entropy';

/** The backbone's features of every training image, inference mode, row-major [n, d]. */
async function backboneFeatures(context: Context): Promise<Float32Array> {
  const { dataset, o, parts } = context;
  const [n, h, w, c] = dataset.shape;
  const all = range(n);
  const output = new Float32Array(n * parts.features);
  for (let start = 0; start < n; start += o.evaluationBatchSize) {
    const end = Math.min(n, start + o.evaluationBatchSize);
    const { images } = gatherBatch(dataset, all, start, end);
    const features = tf.tidy(
      () => parts.backbone.predict(tf.tensor4d(images, [end - start, h, w, c])) as tf.Tensor,
    );
    output.set(await features.data(), start * parts.features);
    features.dispose();
  }
  return output;
}

/**
 * Stage 2 of DBD: the classifier head trained alone by the mean symmetric cross-entropy on
 * the frozen backbone's features of the un-augmented images.
 */
export async function headStage(context: Context): Promise<void> {
  const { dataset, o, options, state, parts } = context;
  const n = dataset.shape[0];
  const d = parts.features;
  const features = await backboneFeatures(context);
  const variables = parts.head.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const optimizer = stageOptimizer(context, variables, o.headOptimizer);
  const salt = deriveSeed(o.seed, 'dbd-head');
  try {
    for (;;) {
      const epoch = state.epoch;
      const started = performance.now();
      let lossSum = 0;
      let hits = 0;
      for (const { batch, batches, order, start, end } of epochOrder(
        range(n),
        salt,
        epoch,
        o.batchSize,
      )) {
        const size = end - start;
        const rows = new Float32Array(size * d);
        const labels = new Int32Array(size);
        for (let b = 0; b < size; b++) {
          const index = order[start + b]!;
          rows.set(features.subarray(index * d, (index + 1) * d), b * d);
          labels[b] = dataset.labels[index]!;
        }
        const x = tf.tensor2d(rows, [size, d]);
        const y = tf.tensor1d(labels, 'int32');
        let logits: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const output = parts.head.apply(x) as tf.Tensor;
          logits = tf.keep(output);
          return tf.mean(symmetricCrossEntropy(output, y, o.sceAlpha, o.sceBeta)) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(variables.map((v) => grads[v.name]!));
        const loss = (await value.data())[0]!;
        const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), y), 'int32')));
        hits += (await correct.data())[0]!;
        tf.dispose([x, y, value, logits!, correct, ...Object.values(grads)]);
        checkLoss(loss, 'head', epoch, batch);
        lossSum += loss * size;
        await options.onEvent?.({ type: 'batch', stage: 'head', batch, batches });
      }
      const logs: EpochLogs = {
        epoch,
        loss: lossSum / n,
        accuracy: hits / n,
        learningRate: optimizer.learningRate,
        samples: n,
        milliseconds: performance.now() - started,
      };
      if (await finishEpoch(context, logs, optimizer)) return;
    }
  } finally {
    optimizer.dispose();
  }
}
