import { createRandom, deriveSeed, type Random } from '@none/stats';
import type { ImageTransform } from './_image';
import { mapBatch } from './_image';
import {
  assertInteger,
  assertNumber,
  assertOneOf,
  assertSeed,
  batchDims,
  invalid,
} from './_validate';
import { type MaskedTrigger, stampMasked } from './masked-trigger';
import {
  BADNETS_DEFAULTS,
  type BadNetsTriggerOptions,
  createBadNetsTrigger,
} from './triggers/badnets';
import { BLEND_DEFAULTS, type BlendTriggerOptions, createBlendTrigger } from './triggers/blend';
import {
  DYNAMIC_PATCH_DEFAULTS,
  type DynamicPatchTriggerOptions,
  dynamicPatchFactory,
} from './triggers/dynamic-patch';
import { FILTER_DEFAULTS, type FilterTriggerOptions, filterTransform } from './triggers/filter';
import { createPixelTrigger, PIXEL_DEFAULTS, type PixelTriggerOptions } from './triggers/pixel';
import { SIG_DEFAULTS, type SigTriggerOptions, sigTransform } from './triggers/sig';
import { WANET_DEFAULTS, type WanetTriggerOptions, wanetTransforms } from './triggers/wanet';
import {
  createWatermarkTrigger,
  WATERMARK_DEFAULTS,
  type WatermarkTriggerOptions,
} from './triggers/watermark';
import type { ImageBatch, ImageSize, TriggeredBatch } from './types';

/**
 * How poisoned samples are relabelled (§8.6): `'all-to-one'` relabels every poisoned
 * sample to `target` (single-target attack); `'label-specific'` maps `y → (y + 1) mod K`.
 */
export type LabelMode = 'all-to-one' | 'label-specific';

/** Every {@link LabelMode}. */
export const LABEL_MODES = ['all-to-one', 'label-specific'] as const satisfies readonly LabelMode[];

/** Label options shared by every attack. */
export interface AttackLabelOptions {
  /** How poisoned samples are relabelled. @default 'all-to-one' */
  labelMode?: LabelMode;
  /** Target class of an all-to-one attack, in [0, K). Ignored by label-specific attacks. @default 0 */
  target?: number;
  /**
   * Clean-label poisoning (as in Barni et al.'s SIG): only samples already of class
   * `target` are triggered and every label is kept. All-to-one only. @default false
   */
  cleanLabel?: boolean;
}

/** Defaults of {@link AttackLabelOptions}. */
export const ATTACK_LABEL_DEFAULTS = {
  labelMode: 'all-to-one',
  target: 0,
  cleanLabel: false,
} as const satisfies Required<AttackLabelOptions>;

/** BadNets with a static patch (default: 3x3 white square, bottom-right; Fig. 3(b)). */
export interface BadNetsAttack extends AttackLabelOptions, BadNetsTriggerOptions {
  type: 'badnets';
}
/** BadNets with a single-pixel trigger (Fig. 3(a), the paper's MNIST default). */
export interface PixelAttack extends AttackLabelOptions, PixelTriggerOptions {
  type: 'pixel';
}
/** BadNets with a patch at a random position per sample (Fig. 3(c)). */
export interface DynamicPatchAttack extends AttackLabelOptions, DynamicPatchTriggerOptions {
  type: 'dynamic-patch';
}
/** Blend (Chen et al.): the whole image alpha-blended with a key pattern. */
export interface BlendAttack extends AttackLabelOptions, BlendTriggerOptions {
  type: 'blend';
}
/** A colourful logo alpha-blended onto a region (Fig. 3(d)). */
export interface WatermarkAttack extends AttackLabelOptions, WatermarkTriggerOptions {
  type: 'watermark';
}
/** SIG (Barni et al.): a horizontal sinusoid added to the image. */
export interface SigAttack extends AttackLabelOptions, SigTriggerOptions {
  type: 'sig';
}
/** WaNet (Nguyen and Tran): a smooth warp, with its noise mode. */
export interface WanetAttack extends AttackLabelOptions, WanetTriggerOptions {
  type: 'wanet';
  /**
   * Noise-mode samples per poisoned sample: `round(rate * crossRatio * n)` further samples
   * get the warp plus random grid noise and keep their label. 0 turns noise mode off.
   * @default 2
   */
  crossRatio?: number;
}
/** Filter (as in ABS): an Instagram-style colour transform of the whole image. */
export interface FilterAttack extends AttackLabelOptions, FilterTriggerOptions {
  type: 'filter';
}

/** Every attack of the pure core, discriminated by `type`. Omitted fields take the defaults. */
export type AttackConfig =
  | BadNetsAttack
  | PixelAttack
  | DynamicPatchAttack
  | BlendAttack
  | WatermarkAttack
  | SigAttack
  | WanetAttack
  | FilterAttack;

/** The `type` of an {@link AttackConfig}. */
export type AttackType = AttackConfig['type'];

/** Every {@link AttackType}. */
export const ATTACK_TYPES = [
  'badnets',
  'pixel',
  'dynamic-patch',
  'blend',
  'watermark',
  'sig',
  'wanet',
  'filter',
] as const satisfies readonly AttackType[];

type Resolved<T, Optional extends keyof T = never> = Required<Omit<T, Optional>> &
  Partial<Pick<T, Optional>>;

/** An {@link AttackConfig} with every default filled in (as recorded in a manifest). */
export type ResolvedAttackConfig =
  | Resolved<BadNetsAttack>
  | Resolved<PixelAttack>
  | Resolved<DynamicPatchAttack>
  | Resolved<BlendAttack, 'image'>
  | Resolved<WatermarkAttack, 'image' | 'size'>
  | Resolved<SigAttack>
  | Resolved<WanetAttack>
  | Resolved<FilterAttack>;

const TRIGGER_DEFAULTS = {
  badnets: BADNETS_DEFAULTS,
  pixel: PIXEL_DEFAULTS,
  'dynamic-patch': DYNAMIC_PATCH_DEFAULTS,
  blend: BLEND_DEFAULTS,
  watermark: WATERMARK_DEFAULTS,
  sig: SIG_DEFAULTS,
  wanet: WANET_DEFAULTS,
  filter: FILTER_DEFAULTS,
} as const;

/**
 * `attack` with its defaults filled in and its label options checked (the trigger's own
 * options are checked when it is built for an image size). Plain-data copy: a given
 * `image.data` becomes a plain array, so the result can be written as JSON.
 *
 * @example
 * ```ts
 * resolveAttackConfig({ type: 'badnets' });
 * // { type: 'badnets', labelMode: 'all-to-one', target: 0, cleanLabel: false,
 * //   size: 3, position: 'bottom-right', margin: 0, color: 1, pattern: 'solid' }
 * ```
 * @throws {AttackError} `E_INVALID_ARGUMENT` for an unknown type or bad label options.
 */
export function resolveAttackConfig(attack: AttackConfig): ResolvedAttackConfig {
  const fn = 'resolveAttackConfig';
  if (typeof attack !== 'object' || attack === null) {
    throw invalid(`${fn}: attack must be an object with a 'type', got ${String(attack)}`);
  }
  assertOneOf(fn, 'attack.type', attack.type, ATTACK_TYPES);
  const resolved: Record<string, unknown> = {
    type: attack.type,
    ...ATTACK_LABEL_DEFAULTS,
    ...TRIGGER_DEFAULTS[attack.type],
  };
  const known = new Set([
    ...Object.keys(resolved),
    ...(attack.type === 'blend' ? ['image'] : attack.type === 'watermark' ? ['image', 'size'] : []),
  ]);
  for (const [key, value] of Object.entries(attack)) {
    if (!known.has(key)) {
      throw invalid(
        `${fn}: unknown option '${key}' for attack type '${attack.type}' (known: ${[...known].join(', ')})`,
      );
    }
    if (value !== undefined) resolved[key] = value;
  }
  assertOneOf(fn, 'attack.labelMode', resolved.labelMode, LABEL_MODES);
  assertInteger(fn, 'attack.target', resolved.target, 0, 2 ** 31 - 1);
  if (typeof resolved.cleanLabel !== 'boolean') {
    throw invalid(`${fn}: attack.cleanLabel must be a boolean, got ${String(resolved.cleanLabel)}`);
  }
  if (resolved.cleanLabel && resolved.labelMode !== 'all-to-one') {
    throw invalid(
      `${fn}: attack.cleanLabel needs labelMode 'all-to-one', got '${resolved.labelMode}'`,
    );
  }
  if (attack.type === 'wanet') {
    assertNumber(fn, 'attack.crossRatio', resolved.crossRatio, 0, Number.MAX_VALUE);
  }
  const image = resolved.image as { data: ArrayLike<number> } | undefined;
  if (typeof image === 'object' && image?.data) {
    resolved.image = { ...image, data: Array.from(image.data) };
  }
  return structuredCloneLike(resolved) as ResolvedAttackConfig;
}

/** Deep copy of plain data (arrays and objects), so a resolved config shares nothing. */
function structuredCloneLike(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCloneLike);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structuredCloneLike(v)]));
  }
  return value;
}

/** A trigger compiled for one image size. */
export interface CompiledAttack {
  /** Applies the trigger to one image (float, HWC, [0, 1]). */
  trigger: ImageTransform;
  /** WaNet's noise mode, when the attack has one. */
  noise?: ImageTransform;
  /** The Eq. 1 mask and pattern a sample gets, for triggers of that form. */
  masked?: (random: Random) => MaskedTrigger;
}

/** Builds the trigger of a resolved attack for images of `size`. */
export function compileAttack(
  fn: string,
  attack: ResolvedAttackConfig,
  size: ImageSize,
): CompiledAttack {
  const fixed = (trigger: MaskedTrigger): CompiledAttack => ({
    trigger: (input, output) => stampMasked(input, output, trigger),
    masked: () => trigger,
  });
  switch (attack.type) {
    case 'badnets':
      return fixed(createBadNetsTrigger(size, attack));
    case 'pixel':
      return fixed(createPixelTrigger(size, attack));
    case 'blend':
      return fixed(createBlendTrigger(size, attack));
    case 'watermark':
      return fixed(createWatermarkTrigger(size, attack));
    case 'dynamic-patch': {
      const factory = dynamicPatchFactory(fn, size, attack);
      return {
        trigger: (input, output, random) => stampMasked(input, output, factory(random)),
        masked: factory,
      };
    }
    case 'sig':
      return { trigger: sigTransform(fn, size, attack) };
    case 'wanet': {
      const { warp, noise } = wanetTransforms(fn, size, attack);
      return { trigger: warp, noise };
    }
    case 'filter':
      return { trigger: filterTransform(fn, size, attack) };
  }
}

/**
 * Applies the trigger of any attack to every image of a batch (no relabelling, no
 * WaNet noise). Image `i` draws its per-sample randomness (the dynamic patch's position)
 * from `(seed, i)`. New arrays; input unchanged.
 *
 * @example
 * ```ts
 * const out = applyAttack({ images, shape: [n, 28, 28, 1] }, { type: 'sig' });
 * ```
 */
export function applyAttack<B extends ImageBatch>(
  batch: B,
  attack: AttackConfig,
  { seed = 0 }: { seed?: number } = {},
): TriggeredBatch<B> {
  const fn = 'applyAttack';
  assertSeed(fn, 'seed', seed);
  const dims = batchDims(fn, batch);
  const compiled = compileAttack(fn, resolveAttackConfig(attack), dims);
  return mapBatch(batch, dims, compiled.trigger, (index) =>
    createRandom(deriveSeed(seed, 'trigger-sample', index)),
  ) as TriggeredBatch<B>;
}
