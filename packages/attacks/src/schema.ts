/**
 * `@none/attacks/schema`: zod schemas of the attack configs, for config files and
 * `@none/config`. The core (`@none/attacks`) never imports zod.
 */
export {
  patchPatternSchema,
  seedSchema,
  triggerColorSchema,
  triggerImageSchema,
  triggerPositionSchema,
} from './_fields.schema';
export {
  type AttackConfigInput,
  type AttackConfigOutput,
  attackConfigSchema,
  type PoisonOptionsOutput,
  poisonOptionsSchema,
} from './attack-config.schema';
export { badNetsAttackSchema } from './triggers/badnets.schema';
export { blendAttackSchema } from './triggers/blend.schema';
export { dynamicPatchAttackSchema } from './triggers/dynamic-patch.schema';
export { filterAttackSchema } from './triggers/filter.schema';
export { pixelAttackSchema } from './triggers/pixel.schema';
export { sigAttackSchema } from './triggers/sig.schema';
export { wanetAttackSchema } from './triggers/wanet.schema';
export { watermarkAttackSchema } from './triggers/watermark.schema';
