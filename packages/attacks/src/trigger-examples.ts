import { createRandom, deriveSeed } from '@none/stats';
import { readImage, writeImage } from './_image';
import { assertInteger, assertSeed, datasetDims } from './_validate';
import { type AttackConfig, compileAttack, resolveAttackConfig } from './attack-config';
import { labelMapper } from './label-map';
import type { ImageDataset } from './types';

/** Options of {@link renderTriggerExamples}. */
export interface RenderTriggerExamplesOptions {
  /** Which samples. @default the first `count` samples not already of class `target` */
  indices?: readonly number[];
  /** How many samples when `indices` is absent. @default 4 */
  count?: number;
  /** Seed of per-sample randomness (the dynamic patch's position), as in {@link attackTestSet}. @default 0 */
  seed?: number;
}

/** One clean/triggered pair, ready to draw (HWC float32 in [0, 1]). */
export interface TriggerExample {
  /** Index of the sample in the dataset. */
  index: number;
  /** Its label. */
  label: number;
  /** The label the attack wants for it. */
  targetLabel: number;
  height: number;
  width: number;
  channels: number;
  /** The clean image. */
  clean: Float32Array;
  /** The triggered image, quantised as the dataset's storage type would store it. */
  triggered: Float32Array;
  /** The Eq. 1 mask `m` for patch and blend triggers; `null` for SIG, WaNet and Filter. */
  mask: Float32Array | null;
  /** `|triggered - clean|`, for every trigger. */
  difference: Float32Array;
}

/**
 * Clean and triggered versions of a few samples, with the trigger's mask and the pixel
 * difference, as float arrays in [0, 1] (no image encoding involved): the material of
 * the paper's Fig. 3.
 *
 * @example
 * ```ts
 * const [example] = renderTriggerExamples(test, { type: 'watermark' }, { count: 1 });
 * example.mask; // α inside the logo, 0 elsewhere
 * ```
 */
export function renderTriggerExamples(
  dataset: ImageDataset,
  attack: AttackConfig,
  options: RenderTriggerExamplesOptions = {},
): TriggerExample[] {
  const fn = 'renderTriggerExamples';
  const dims = datasetDims(fn, dataset);
  const { count = 4, seed = 0 } = options;
  assertSeed(fn, 'seed', seed);
  const resolved = resolveAttackConfig(attack);
  const mapLabel = labelMapper(fn, resolved, dataset.numClasses);
  const compiled = compileAttack(fn, resolved, dims);
  let indices: number[];
  if (options.indices) {
    indices = [...options.indices];
    for (const [k, i] of indices.entries()) assertInteger(fn, `indices[${k}]`, i, 0, dims.n - 1);
  } else {
    assertInteger(fn, 'count', count, 0, 2 ** 31 - 1);
    indices = [];
    for (let i = 0; i < dims.n && indices.length < count; i++) {
      if (resolved.labelMode === 'label-specific' || dataset.labels[i] !== resolved.target) {
        indices.push(i);
      }
    }
  }
  const input = new Float64Array(dims.imageSize);
  const output = new Float64Array(dims.imageSize);
  const stored = dataset.images instanceof Uint8Array ? new Uint8Array(dims.imageSize) : null;
  return indices.map((index) => {
    readImage(dataset.images, index, input);
    compiled.trigger(input, output, createRandom(deriveSeed(seed, 'trigger-sample', index)));
    let triggered = Float32Array.from(output);
    if (stored) {
      writeImage(stored, 0, output);
      triggered = Float32Array.from(stored, (v) => v / 255);
    }
    const clean = Float32Array.from(input);
    const difference = triggered.map((v, k) => Math.abs(v - clean[k]!));
    const mask = compiled.masked
      ? compiled.masked(createRandom(deriveSeed(seed, 'trigger-sample', index))).mask.slice()
      : null;
    const label = dataset.labels[index]!;
    return {
      index,
      label,
      targetLabel: mapLabel(label),
      height: dims.height,
      width: dims.width,
      channels: dims.channels,
      clean,
      triggered,
      mask,
      difference,
    };
  });
}
