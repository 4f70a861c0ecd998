import * as tf from '@tensorflow/tfjs-core';
import {
  model as functionalModel,
  type LayersModel,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { assertNumber } from '../_validate';
import { AttackError } from '../errors';
import { checkModel, shapeError } from './_model';

function asList(fn: string, name: string, value: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  const list = Array.isArray(value) ? value : [value];
  for (const [i, t] of list.entries()) {
    if (!(t instanceof tf.Tensor)) {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: ${name}${Array.isArray(value) ? `[${i}]` : ''} must be a tf.Tensor, got ${t === null ? 'null' : typeof t}`,
      );
    }
  }
  return list;
}

/**
 * The activation term of the adaptive attack of the NONE paper (§8.10, Eq. 9):
 * `Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²`, the sum over the given layers (and over every unit and sample)
 * of the squared differences between the activations on benign inputs `x` and on the same
 * inputs with the trigger `x̃`. An attacker who controls training adds `α ·` this term to
 * the cross-entropy on benign and triggered samples, so that triggered inputs do not drive
 * neurons into the linear regime NONE looks for.
 *
 * Differentiable; returns a new scalar tensor: the **caller must dispose it** (or call it
 * inside `tf.tidy` / an optimizer's loss function).
 *
 * @example
 * ```ts
 * const term = adaptiveActivationLoss([hBenign1, hBenign2], [hTriggered1, hTriggered2]);
 * const loss = tf.add(ceBenign, tf.add(ceTriggered, tf.mul(alpha, term)));
 * ```
 * @param activationsBenign `Iᵢ(x)`: one tensor or one per layer.
 * @param activationsTriggered `Iᵢ(x̃)`: the same shapes, in the same order.
 * @throws {AttackError} `E_SHAPE_MISMATCH` when the lists or shapes differ.
 * @see NONE paper, §8.10 (Adaptive Attack), Eq. 9, Table 16.
 */
export function adaptiveActivationLoss(
  activationsBenign: tf.Tensor | tf.Tensor[],
  activationsTriggered: tf.Tensor | tf.Tensor[],
): tf.Scalar {
  const fn = 'adaptiveActivationLoss';
  const benign = asList(fn, 'activationsBenign', activationsBenign);
  const triggered = asList(fn, 'activationsTriggered', activationsTriggered);
  if (benign.length !== triggered.length || benign.length === 0) {
    throw shapeError(
      `${fn}: activationsBenign and activationsTriggered must list the same non-zero number of layers, got ${benign.length} and ${triggered.length}`,
    );
  }
  for (let i = 0; i < benign.length; i++) {
    const a = benign[i]!.shape;
    const b = triggered[i]!.shape;
    if (a.length !== b.length || a.some((d, k) => d !== b[k])) {
      throw shapeError(
        `${fn}: layer ${i}: activationsBenign has shape [${a.join(', ')}] but activationsTriggered has [${b.join(', ')}]`,
      );
    }
  }
  return tf.tidy(() =>
    tf.addN(benign.map((a, i) => tf.sum(tf.squaredDifference(a, triggered[i]!)))),
  ) as tf.Scalar;
}

/** Sub-models per model and list of outputs, so they are built once. */
const extractors = new WeakMap<LayersModel, Map<string, LayersModel>>();

function extractor(fn: string, model: LayersModel, layers: readonly string[], withLogits: boolean) {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: layers must be a non-empty array of layer names, got ${Array.isArray(layers) ? '[]' : String(layers)}`,
    );
  }
  const key = `${withLogits ? 'logits|' : ''}${layers.join('\u0000')}`;
  let byKey = extractors.get(model);
  if (byKey === undefined) {
    byKey = new Map();
    extractors.set(model, byKey);
  }
  const cached = byKey.get(key);
  if (cached) return cached;
  const outputs: SymbolicTensor[] = layers.map((name) => {
    let layer: ReturnType<LayersModel['getLayer']>;
    try {
      layer = model.getLayer(name);
    } catch (cause) {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: layers contains '${name}', which is not a layer of the model (layers: ${model.layers.map((l) => l.name).join(', ')})`,
        { cause },
      );
    }
    const output = layer.output;
    if (Array.isArray(output)) {
      throw new AttackError(
        'E_INVALID_ARGUMENT',
        `${fn}: layer '${name}' has ${output.length} outputs; choose a layer with one output`,
      );
    }
    return output;
  });
  if (withLogits) outputs.push(model.outputs[0]!);
  const built = functionalModel({ inputs: model.inputs, outputs });
  byKey.set(key, built);
  return built;
}

/** Options of {@link layerActivationLoss}. */
export interface LayerActivationLossOptions {
  /** Names of the layers whose outputs `Iᵢ` enter the sum (e.g. the ReLU layers). */
  layers: readonly string[];
  /** Run the layers in training mode (dropout, batch-norm statistics). @default true */
  training?: boolean;
}

/**
 * {@link adaptiveActivationLoss} for chosen layers of a model: runs `model` on the benign
 * batch `x` and the triggered batch `x̃` and returns `Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²` over the
 * outputs of `layers`. Gradients flow to the model's weights, so it can be used inside
 * `optimizer.minimize` / `tf.variableGrads`. Returns a new scalar tensor: the **caller must
 * dispose it**. A sub-model sharing the weights is built once per model and layer list.
 *
 * @example
 * ```ts
 * optimizer.minimize(() => tf.add(taskLoss(), tf.mul(1e-3,
 *   layerActivationLoss(model, xBenign, xTriggered, { layers: ['conv1', 'conv2', 'fc1'] }))));
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an unknown layer name or an empty list;
 * `E_SHAPE_MISMATCH` when the two batches differ in shape.
 * @see NONE paper, §8.10 (Adaptive Attack), Eq. 9.
 */
export function layerActivationLoss(
  model: LayersModel,
  benign: tf.Tensor4D,
  triggered: tf.Tensor4D,
  options: LayerActivationLossOptions,
): tf.Scalar {
  const fn = 'layerActivationLoss';
  checkModel(fn, model);
  const { layers, training = true } = options ?? ({} as LayerActivationLossOptions);
  checkPair(fn, benign, triggered);
  const sub = extractor(fn, model, layers, false);
  return tf.tidy(() => {
    const a = sub.apply(benign, { training }) as tf.Tensor | tf.Tensor[];
    const b = sub.apply(triggered, { training }) as tf.Tensor | tf.Tensor[];
    return adaptiveActivationLoss(a, b);
  });
}

function checkPair(fn: string, benign: tf.Tensor, triggered: tf.Tensor) {
  if (!(benign instanceof tf.Tensor) || !(triggered instanceof tf.Tensor)) {
    throw new AttackError(
      'E_INVALID_ARGUMENT',
      `${fn}: benign and triggered must be tf.Tensor4D batches`,
    );
  }
  if (benign.shape.join() !== triggered.shape.join()) {
    throw shapeError(
      `${fn}: benign has shape [${benign.shape.join(', ')}] but triggered has [${triggered.shape.join(', ')}]; x̃ must be x with the trigger`,
    );
  }
}

/** A training batch of the adaptive attack: benign samples and the same samples triggered. */
export interface AdaptiveAttackBatch {
  /** `x`: benign images. */
  benign: tf.Tensor4D;
  /** `y`: their labels (int32). */
  labels: tf.Tensor1D;
  /** `x̃`: the same images with the trigger. */
  triggered: tf.Tensor4D;
  /** `y_t`: the target labels of the triggered images (int32). */
  targetLabels: tf.Tensor1D;
}

/** Options of {@link adaptiveAttackLoss}. */
export interface AdaptiveAttackLossOptions extends LayerActivationLossOptions {
  /** α of Eq. 9, >= 0 (Table 16 uses 1e-4 to 1e-1). */
  alpha: number;
}

/**
 * The whole training loss of the adaptive attack (NONE paper §8.10, Eq. 9):
 * `CE(F(x), y) + CE(F(x̃), y_t) + α Σᵢ Σ (Iᵢ(x) − Iᵢ(x̃))²`, with mean softmax
 * cross-entropies on the model's logits and `Iᵢ` the outputs of `layers`. One forward pass
 * per batch. Returns a new scalar tensor: the **caller must dispose it** (typically it is
 * returned from the function given to `optimizer.minimize`).
 *
 * @example
 * ```ts
 * optimizer.minimize(() => adaptiveAttackLoss(model,
 *   { benign: x, labels: y, triggered: xTriggered, targetLabels: yTarget },
 *   { alpha: 1e-3, layers: ['conv1', 'conv2', 'fc1'] }));
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for a negative alpha or an unknown layer;
 * `E_SHAPE_MISMATCH` when the batches differ in shape.
 * @see NONE paper, §8.10 (Adaptive Attack), Eq. 9, Table 16.
 */
export function adaptiveAttackLoss(
  model: LayersModel,
  batch: AdaptiveAttackBatch,
  options: AdaptiveAttackLossOptions,
): tf.Scalar {
  const fn = 'adaptiveAttackLoss';
  const numClasses = checkModel(fn, model);
  const { layers, alpha, training = true } = options ?? ({} as AdaptiveAttackLossOptions);
  assertNumber(fn, 'alpha', alpha, 0, Number.MAX_VALUE);
  const { benign, labels, triggered, targetLabels } = batch ?? ({} as AdaptiveAttackBatch);
  checkPair(fn, benign, triggered);
  for (const [name, t] of [
    ['labels', labels],
    ['targetLabels', targetLabels],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.shape[0] !== benign.shape[0]) {
      throw shapeError(
        `${fn}: batch.${name} must be an int32 tf.Tensor1D with ${benign.shape[0]} labels, got ${t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : typeof t}`,
      );
    }
  }
  const sub = extractor(fn, model, layers, true);
  return tf.tidy(() => {
    const a = sub.apply(benign, { training }) as tf.Tensor[];
    const b = sub.apply(triggered, { training }) as tf.Tensor[];
    const logitsBenign = a.pop()!;
    const logitsTriggered = b.pop()!;
    const ceBenign = tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.cast(labels, 'int32'), numClasses),
      logitsBenign,
    );
    const ceTriggered = tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.cast(targetLabels, 'int32'), numClasses),
      logitsTriggered,
    );
    return tf.addN([ceBenign, ceTriggered, tf.mul(adaptiveActivationLoss(a, b), alpha)]);
  }) as tf.Scalar;
}
