import { assertInteger, invalid } from './_validate';
import type { AttackLabelOptions } from './attack-config';
import { ATTACK_LABEL_DEFAULTS } from './attack-config';

/**
 * The label an attack wants for a sample of class `label` (§8.6): `target` for an
 * all-to-one attack, `(label + 1) mod K` for a label-specific one.
 *
 * @example
 * ```ts
 * targetLabel(9, { labelMode: 'label-specific' }, 10); // 0
 * targetLabel(4, { target: 2 }, 10); // 2
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` when `label` or `target` is not in [0, K).
 */
export function targetLabel(label: number, attack: AttackLabelOptions, numClasses: number): number {
  const fn = 'targetLabel';
  assertInteger(fn, 'numClasses', numClasses, 1, 2 ** 31 - 1);
  assertInteger(fn, 'label', label, 0, numClasses - 1);
  return labelMapper(fn, attack, numClasses)(label);
}

/** The label map of an attack, after checking its options against `numClasses`. */
export function labelMapper(
  fn: string,
  attack: AttackLabelOptions,
  numClasses: number,
): (label: number) => number {
  const { labelMode = ATTACK_LABEL_DEFAULTS.labelMode, target = ATTACK_LABEL_DEFAULTS.target } =
    attack;
  if (labelMode === 'label-specific') return (y) => (y + 1) % numClasses;
  if (labelMode !== 'all-to-one') {
    throw invalid(
      `${fn}: labelMode must be 'all-to-one' or 'label-specific', got ${String(labelMode)}`,
    );
  }
  assertInteger(fn, 'target', target, 0, numClasses - 1);
  return () => target;
}

/**
 * {@link targetLabel} for every label: a new `Int32Array`; `labels` is not modified.
 *
 * @example
 * ```ts
 * mapLabels(new Int32Array([0, 1, 2]), { labelMode: 'label-specific' }, 3); // Int32Array [1, 2, 0]
 * ```
 */
export function mapLabels(
  labels: Int32Array,
  attack: AttackLabelOptions,
  numClasses: number,
): Int32Array {
  const fn = 'mapLabels';
  assertInteger(fn, 'numClasses', numClasses, 1, 2 ** 31 - 1);
  const map = labelMapper(fn, attack, numClasses);
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y < 0 || y >= numClasses) {
      throw invalid(`${fn}: labels[${i}] must be in [0, ${numClasses - 1}], got ${y}`);
    }
    out[i] = map(y);
  }
  return out;
}
