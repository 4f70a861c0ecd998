import { z } from 'zod';
import { ATTACK_LABEL_DEFAULTS, LABEL_MODES } from './attack-config';
import { TRIGGER_ANCHORS } from './trigger-geometry';

const unit = z.number().min(0).max(1);

/** A value in [0, 1] for every channel, or one per channel. */
export const triggerColorSchema = z
  .union([unit, z.array(unit).min(1)])
  .describe('Colour in [0, 1]: one value for all channels, or one per channel');

/** An anchor (corner or centre) or the `{ x, y }` of the trigger's top-left pixel. */
export const triggerPositionSchema = z
  .union([
    z.enum(TRIGGER_ANCHORS),
    z.strictObject({
      x: z.int().min(0).describe('Column of the top-left pixel'),
      y: z.int().min(0).describe('Row of the top-left pixel'),
    }),
  ])
  .describe(
    "Anchor ('top-left', 'top-right', 'bottom-left', 'bottom-right', 'center') or { x, y }",
  );

/** `'solid'`, `'checkerboard'` or explicit patch values in [0, 1]. */
export const patchPatternSchema = z
  .union([z.enum(['solid', 'checkerboard']), z.array(unit).min(1)])
  .describe("'solid', 'checkerboard', or size*size (or size*size*channels) values in [0, 1]");

/** An image given as a trigger pattern, HWC values in [0, 1]. */
export const triggerImageSchema = z
  .strictObject({
    data: z.array(unit).describe('HWC values in [0, 1]'),
    height: z.int().positive(),
    width: z.int().positive(),
    channels: z.int().positive(),
  })
  .refine((image) => image.data.length === image.height * image.width * image.channels, {
    message: 'data must have height * width * channels values',
    path: ['data'],
  })
  .describe('Pattern image, resized (nearest neighbour) to the size the trigger needs');

/** Seed of a generated pattern. */
export const seedSchema = z.int().min(0).max(4294967295);

/** Fields shared by every attack schema. */
export const labelFields = {
  labelMode: z
    .enum(LABEL_MODES)
    .default(ATTACK_LABEL_DEFAULTS.labelMode)
    .describe("'all-to-one' relabels to target; 'label-specific' maps y to (y + 1) mod K"),
  target: z
    .int()
    .min(0)
    .default(ATTACK_LABEL_DEFAULTS.target)
    .describe('Target class of an all-to-one attack (ignored by label-specific)'),
  cleanLabel: z
    .boolean()
    .default(ATTACK_LABEL_DEFAULTS.cleanLabel)
    .describe('Poison only target-class samples and keep labels (all-to-one only)'),
};

/** Rejects `cleanLabel: true` with a label-specific map. */
export function cleanLabelNeedsAllToOne(value: { cleanLabel: boolean; labelMode: string }) {
  return !(value.cleanLabel && value.labelMode !== 'all-to-one');
}

export const cleanLabelMessage = {
  message: "cleanLabel needs labelMode 'all-to-one'",
  path: ['cleanLabel'],
};
