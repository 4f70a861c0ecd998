import { createRandom } from '@none/stats';
import * as tf from '@tensorflow/tfjs-core';
import { BaselineError } from './errors';

/**
 * The NT-Xent (normalized temperature-scaled cross-entropy) loss of SimCLR on a batch of N
 * positive pairs `(z1[i], z2[i])`. The 2N rows are L2-normalised; every row is an anchor
 * whose positive is its pair and whose negatives are the other 2N - 2 rows:
 *
 *   loss = mean over the 2N anchors a of -log( exp(s(a, p(a)) / t) / sum_{k != a} exp(s(a, k) / t) )
 *
 * with s the cosine similarity and t the temperature (0.5 in DBD). Differentiable; runs in a
 * tidy and returns a scalar the caller disposes.
 *
 * @example
 * ```ts
 * const loss = ntXentLoss(tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[1, 0], [0, 1]]), 0.5);
 * // each anchor: -log(e^2 / (e^2 + 2 e^0)) = 0.2395
 * ```
 * @throws BaselineError `E_SHAPE_MISMATCH` for inputs that are not two [N, D] matrices of the
 * same shape, `E_INVALID_ARGUMENT` for a temperature that is not > 0
 * @see T. Chen, S. Kornblith, M. Norouzi, G. Hinton, "A simple framework for contrastive
 * learning of visual representations", ICML 2020 (equation 1)
 */
export function ntXentLoss(z1: tf.Tensor, z2: tf.Tensor, temperature: number): tf.Scalar {
  if (z1.rank !== 2 || !tf.util.arraysEqual(z1.shape, z2.shape)) {
    throw new BaselineError(
      'E_SHAPE_MISMATCH',
      `ntXentLoss: z1 and z2 must be [N, D] matrices of the same shape, got [${z1.shape}] and [${z2.shape}]`,
    );
  }
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new BaselineError(
      'E_INVALID_ARGUMENT',
      `ntXentLoss: temperature must be a finite number > 0, got ${temperature}`,
    );
  }
  return tf.tidy(() => {
    const logits = ntXentLogits(z1, z2, temperature);
    const n = z1.shape[0]!;
    const positives = tf.oneHot(positiveIndices(n), 2 * n);
    return tf.neg(tf.mean(tf.sum(tf.mul(positives, tf.logSoftmax(logits, 1)), 1))) as tf.Scalar;
  });
}

/** Row i's positive among the 2N rows: i + N for the first view, i - N for the second. */
export function positiveIndices(n: number): tf.Tensor1D {
  const indices = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    indices[i] = i + n;
    indices[i + n] = i;
  }
  return tf.tensor1d(indices, 'int32');
}

/** The [2N, 2N] cosine similarities over t, the diagonal pushed to -1e9 (excluded). */
export function ntXentLogits(z1: tf.Tensor, z2: tf.Tensor, temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.concat([z1, z2], 0);
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-12));
    const unit = tf.div(z, norms);
    const similarity = tf.div(tf.matMul(unit, unit, false, true), temperature);
    return tf.sub(similarity, tf.mul(tf.eye(z.shape[0]!), 1e9)) as tf.Tensor2D;
  });
}

/**
 * The SimCLR projection head g: `Dense(features, hidden) - ReLU - Dense(hidden, output)`,
 * trained with the backbone in the self-supervised stage and discarded afterwards. Its four
 * variables (kernel 1, bias 1, kernel 2, bias 2) are plain tf.Variables initialised like
 * PyTorch's `nn.Linear` (`U(+-1/sqrt(fanIn))`), from a seed.
 */
export interface ProjectionHead {
  readonly variables: tf.Variable[];
  apply(features: tf.Tensor): tf.Tensor2D;
  /** The weights as JSON-safe arrays (float32 values round-trip exactly). */
  getWeights(): number[][];
  setWeights(weights: readonly (readonly number[])[]): void;
  dispose(): void;
}

export function createProjectionHead(
  inputs: number,
  hidden: number,
  outputs: number,
  seed: number,
): ProjectionHead {
  const random = createRandom(seed);
  const uniform = (count: number, fanIn: number) => {
    const bound = 1 / Math.sqrt(fanIn);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = random.uniform(-bound, bound);
    return values;
  };
  const shapes: number[][] = [[inputs, hidden], [hidden], [hidden, outputs], [outputs]];
  const fanIns = [inputs, inputs, hidden, hidden];
  const variables = shapes.map((shape, i) =>
    tf.tidy(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      return tf.variable(tf.tensor(uniform(size, fanIns[i]!), shape, 'float32'), true);
    }),
  );
  const [kernel1, bias1, kernel2, bias2] = variables as [
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
  ];
  return {
    variables,
    apply(features) {
      return tf.tidy(() => {
        const hiddenValues = tf.relu(tf.add(tf.matMul(features as tf.Tensor2D, kernel1), bias1));
        return tf.add(tf.matMul(hiddenValues as tf.Tensor2D, kernel2), bias2) as tf.Tensor2D;
      });
    },
    getWeights() {
      return variables.map((v) => Array.from(v.dataSync()));
    },
    setWeights(weights) {
      if (weights.length !== variables.length) {
        throw new BaselineError(
          'E_CHECKPOINT',
          `projection head: expected ${variables.length} weight arrays, got ${weights.length}`,
        );
      }
      variables.forEach((v, i) => {
        const values = weights[i]!;
        if (values.length !== v.size) {
          throw new BaselineError(
            'E_CHECKPOINT',
            `projection head: weight ${i} has ${values.length} values, expected ${v.size} (shape [${v.shape}])`,
          );
        }
        tf.tidy(() => v.assign(tf.tensor(Float32Array.from(values), v.shape, 'float32')));
      });
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}
