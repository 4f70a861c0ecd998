import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AttackConfig, BadNetsAttack, BlendAttack, WanetAttack } from './attack-config';
import type { attackConfigSchema, poisonOptionsSchema } from './attack-config.schema';
import type { PoisonOptions } from './poison-dataset';
import type { badNetsAttackSchema } from './triggers/badnets.schema';
import type { blendAttackSchema } from './triggers/blend.schema';
import type { wanetAttackSchema } from './triggers/wanet.schema';

describe('schema outputs are assignable to the core types', () => {
  it('AttackConfig', () => {
    expectTypeOf<z.output<typeof attackConfigSchema>>().toExtend<AttackConfig>();
    expectTypeOf<z.output<typeof badNetsAttackSchema>>().toExtend<BadNetsAttack>();
    expectTypeOf<z.output<typeof blendAttackSchema>>().toExtend<BlendAttack>();
    expectTypeOf<z.output<typeof wanetAttackSchema>>().toExtend<WanetAttack>();
  });

  it('PoisonOptions', () => {
    expectTypeOf<z.output<typeof poisonOptionsSchema>>().toExtend<PoisonOptions>();
  });
});
