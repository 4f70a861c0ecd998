import * as tf from '@tensorflow/tfjs-core';
import { TrainerError } from './errors';

/** SGD with momentum (PyTorch semantics: `v = mu v + g + wd w; w -= lr v`). */
export interface SgdOptions {
  type: 'sgd';
  /** @default 0.01 */
  learningRate?: number;
  /** @default 0.9 */
  momentum?: number;
  /** L2 weight decay added to the gradient. @default 5e-4 */
  weightDecay?: number;
}

/** Adam (PyTorch semantics, L2 weight decay added to the gradient). */
export interface AdamOptions {
  type: 'adam';
  /** @default 0.001 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** @default 0 */
  weightDecay?: number;
}

export type OptimizerOptions = SgdOptions | AdamOptions;

/** Optimizer state as plain arrays, in the order of the variables: what a checkpoint stores. */
export interface OptimizerState {
  type: 'sgd' | 'adam';
  step: number;
  slots: Float32Array[];
}

/**
 * A first-order optimizer over a fixed list of variables. Unlike tfjs's optimizers, its
 * state is keyed by position (not by variable names, which tfjs makes unique per process),
 * so a checkpoint restores into a model rebuilt in another process.
 */
export interface Optimizer {
  readonly type: 'sgd' | 'adam';
  learningRate: number;
  /** Applies one update; `gradients[i]` belongs to `variables[i]`. Does not dispose them. */
  applyGradients(gradients: readonly tf.Tensor[]): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  /** Zeroes the state (momentum, moments) and the step count. */
  reset(): void;
  dispose(): void;
}

function zerosLike(variables: readonly tf.Variable[]): tf.Variable[] {
  // tidy frees the zeros tensor; variables survive it.
  return variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
}

/** Creates an optimizer over `variables` (e.g. `model.trainableWeights.map(w => w.read())`). */
export function createOptimizer(
  variables: readonly tf.Variable[],
  options: OptimizerOptions,
): Optimizer {
  if (options.type === 'sgd') return createSgd(variables, options);
  if (options.type === 'adam') return createAdam(variables, options);
  throw new TrainerError(
    'E_INVALID_ARGUMENT',
    `createOptimizer: type must be 'sgd' or 'adam', got ${String((options as { type: unknown }).type)}`,
  );
}

function createSgd(variables: readonly tf.Variable[], options: SgdOptions): Optimizer {
  const { momentum = 0.9, weightDecay = 5e-4 } = options;
  let velocity = zerosLike(variables);
  let step = 0;
  return {
    type: 'sgd',
    learningRate: options.learningRate ?? 0.01,
    applyGradients(gradients) {
      const lr = this.learningRate;
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          let g = gradients[i]!;
          if (weightDecay !== 0) g = tf.add(g, tf.mul(variable, weightDecay));
          const v = momentum === 0 ? g : tf.add(tf.mul(velocity[i]!, momentum), g);
          if (momentum !== 0) velocity[i]!.assign(v);
          variable.assign(tf.sub(variable, tf.mul(v, lr)));
        });
      });
      step += 1;
    },
    getState() {
      return {
        type: 'sgd',
        step,
        slots: velocity.map((v) => v.dataSync().slice() as Float32Array),
      };
    },
    setState(state) {
      restoreSlots('sgd', velocity, state);
      step = state.step;
    },
    reset() {
      tf.dispose(velocity);
      velocity = zerosLike(variables);
      step = 0;
    },
    dispose() {
      tf.dispose(velocity);
    },
  };
}

function createAdam(variables: readonly tf.Variable[], options: AdamOptions): Optimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 } = options;
  let first = zerosLike(variables);
  let second = zerosLike(variables);
  let step = 0;
  return {
    type: 'adam',
    learningRate: options.learningRate ?? 0.001,
    applyGradients(gradients) {
      step += 1;
      const lr = this.learningRate;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      tf.tidy(() => {
        variables.forEach((variable, i) => {
          let g = gradients[i]!;
          if (weightDecay !== 0) g = tf.add(g, tf.mul(variable, weightDecay));
          const m = tf.add(tf.mul(first[i]!, beta1), tf.mul(g, 1 - beta1));
          const v = tf.add(tf.mul(second[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
          first[i]!.assign(m);
          second[i]!.assign(v);
          const denominator = tf.add(tf.sqrt(tf.div(v, correction2)), epsilon);
          variable.assign(tf.sub(variable, tf.mul(tf.div(m, denominator), lr / correction1)));
        });
      });
    },
    getState() {
      const slots = [...first, ...second].map((v) => v.dataSync().slice() as Float32Array);
      return { type: 'adam', step, slots };
    },
    setState(state) {
      restoreSlots('adam', [...first, ...second], state);
      step = state.step;
    },
    reset() {
      tf.dispose([...first, ...second]);
      first = zerosLike(variables);
      second = zerosLike(variables);
      step = 0;
    },
    dispose() {
      tf.dispose([...first, ...second]);
    },
  };
}

function restoreSlots(type: 'sgd' | 'adam', slots: tf.Variable[], state: OptimizerState): void {
  if (state.type !== type || state.slots.length !== slots.length) {
    throw new TrainerError(
      'E_CHECKPOINT',
      `optimizer state: expected ${type} with ${slots.length} slots, got ${state.type} with ${state.slots.length}`,
    );
  }
  slots.forEach((slot, i) => {
    const values = state.slots[i]!;
    if (values.length !== slot.size) {
      throw new TrainerError(
        'E_CHECKPOINT',
        `optimizer state: slot ${i} has ${values.length} values, expected ${slot.size}`,
      );
    }
    tf.tidy(() => slot.assign(tf.tensor(values, slot.shape, 'float32')));
  });
}
