import { describe, expect, it } from 'vitest';
import { randomDataset } from './_test-helpers';
import { ATTACK_LABEL_DEFAULTS, ATTACK_TYPES, resolveAttackConfig } from './attack-config';
import { attackConfigSchema, poisonOptionsSchema } from './attack-config.schema';
import { poisonDataset } from './poison-dataset';
import { TRIGGER_ANCHORS } from './trigger-geometry';
import { BADNETS_DEFAULTS } from './triggers/badnets';
import { WANET_DEFAULTS } from './triggers/wanet';

describe('attackConfigSchema', () => {
  it('fills the same defaults as the core, for every attack type', () => {
    for (const type of ATTACK_TYPES) {
      const parsed = attackConfigSchema.parse({ type });
      expect(parsed).toEqual(resolveAttackConfig({ type }));
    }
    expect(attackConfigSchema.parse({ type: 'badnets' })).toEqual({
      type: 'badnets',
      ...ATTACK_LABEL_DEFAULTS,
      ...BADNETS_DEFAULTS,
    });
    expect(attackConfigSchema.parse({ type: 'wanet' })).toMatchObject(WANET_DEFAULTS);
  });

  it('gives output the core accepts', () => {
    const attack = attackConfigSchema.parse({
      type: 'badnets',
      target: 1,
      position: { x: 0, y: 0 },
    });
    const options = poisonOptionsSchema.parse({ rate: 0.1, seed: 3 });
    const { manifest } = poisonDataset(randomDataset(20, 4, 4, 1, 3), attack, options);
    expect(manifest.attack).toEqual(attack);
  });

  it('rejects unknown fields, unknown types, bad values and clean-label label-specific', () => {
    expect(attackConfigSchema.safeParse({ type: 'badnets', sise: 3 }).success).toBe(false);
    expect(attackConfigSchema.safeParse({ type: 'trojannn' }).success).toBe(false);
    expect(attackConfigSchema.safeParse({ type: 'blend', alpha: 2 }).success).toBe(false);
    expect(attackConfigSchema.safeParse({ type: 'badnets', target: -1 }).success).toBe(false);
    expect(attackConfigSchema.safeParse({ type: 'badnets', position: 'middle' }).success).toBe(
      false,
    );
    const clean = attackConfigSchema.safeParse({
      type: 'sig',
      cleanLabel: true,
      labelMode: 'label-specific',
    });
    expect(clean.success).toBe(false);
    expect(clean.error?.issues[0]?.path).toEqual(['cleanLabel']);
    expect(
      attackConfigSchema.safeParse({
        type: 'blend',
        image: { data: [0, 1], height: 2, width: 2, channels: 1 },
      }).success,
    ).toBe(false);
    expect(poisonOptionsSchema.safeParse({ rate: 1.1, seed: 0 }).success).toBe(false);
    expect(poisonOptionsSchema.safeParse({ rate: 0.1, seed: -1 }).success).toBe(false);
  });

  it('accepts every anchor of the core', () => {
    for (const position of TRIGGER_ANCHORS) {
      expect(attackConfigSchema.parse({ type: 'pixel', position })).toMatchObject({ position });
    }
  });
});
